import { redirect } from "react-router";
import type { Route } from "./+types/home";
import { homePathFor } from "~/modules/auth/permissions";

/** "/" sends each role to its own home, and signed-out visitors to sign in. */
export async function loader({ context }: Route.LoaderArgs) {
  if (!context.user) throw redirect("/login");
  throw redirect(homePathFor(context.user.role));
}
