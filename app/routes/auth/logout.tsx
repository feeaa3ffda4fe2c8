import { redirect } from "react-router";
import type { Route } from "./+types/logout";
import { db } from "~/lib/db.server";
import { audit } from "~/modules/audit/audit.server";
import { blankSessionCookie, invalidateSession } from "~/modules/auth/session.server";

/** Sign-out is a POST (no GET changes state); the session row is deleted. */
export async function action({ context }: Route.ActionArgs) {
  if (context.session && context.user) {
    const { session, user } = context;
    await db().transaction(async (tx) => {
      await invalidateSession(tx, session.id);
      await audit(tx, { actorId: user.id, action: "auth.sign_out", targetType: "user", targetId: user.id, ip: context.ip });
    });
  }
  return redirect("/login?notice=signed-out", { headers: { "Set-Cookie": blankSessionCookie() } });
}

export async function loader() {
  return redirect("/");
}
