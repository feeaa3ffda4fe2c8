import {
  data,
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useMatches,
  useRouteError,
  useRouteLoaderData,
} from "react-router";
import type { Route } from "./+types/root";
import stylesheet from "./styles/app.css?url";
import { useNonce } from "./components/nonce";
import { AppShell } from "./components/app-shell";
import { TimeZoneProvider } from "./components/time-zone";
import { navigationFor } from "./components/navigation";
import { isBetaCustomer } from "./modules/orgs/organizations.server";
import { unreadNotificationCount } from "./modules/notifications/notifications.server";
import { can } from "./modules/auth/permissions";
import { takeToast } from "./lib/toast.server";

export const links: Route.LinksFunction = () => [
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
  { rel: "stylesheet", href: stylesheet },
];

export async function loader({ request, context }: Route.LoaderArgs) {
  const user = context.user;
  const { toast, clear } = takeToast(request);
  // The session lookup already read the header's facts in its own statement (a GET's loaders run
  // after nothing could have changed them); an action's response reads them afresh.
  const shell = request.method === "GET" || request.method === "HEAD" ? context.shell : null;
  const [betaCustomer, unreadNotifications] =
    user && shell
      ? [shell.betaCustomer, shell.unreadNotifications]
      : await Promise.all([
          user?.role === "customer" ? isBetaCustomer(user.organizationId) : false,
          user && can(user, "read:notifications:own") ? unreadNotificationCount(user.id) : null,
        ]);
  return data({
    requestId: context.requestId,
    user: user ? { id: user.id, name: user.name, email: user.email, role: user.role } : null,
    timeZone: user?.timeZone ?? "UTC",
    navigation: navigationFor(user?.role ?? null, { betaCustomer }),
    unreadNotifications,
    toast,
  }, clear ? { headers: { "Set-Cookie": clear } } : undefined);
}

export function Layout({ children }: { children: React.ReactNode }) {
  const nonce = useNonce();
  // A page showing content in another language (help-center translations) says so in its loader data.
  const htmlLang =
    useMatches()
      .map((m) => (m.data && typeof m.data === "object" && "htmlLang" in m.data && typeof m.data.htmlLang === "string" ? m.data.htmlLang : null))
      .filter(Boolean)
      .pop() ?? "en";
  return (
    <html lang={htmlLang}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App({ loaderData }: Route.ComponentProps) {
  return (
    <TimeZoneProvider value={loaderData.timeZone}>
      <AppShell user={loaderData.user} navigation={loaderData.navigation} unreadNotifications={loaderData.unreadNotifications} toast={loaderData.toast}>
        <Outlet />
      </AppShell>
    </TimeZoneProvider>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const root = useRouteLoaderData<typeof loader>("root");
  let status = 500;
  let title = "Something went wrong";
  let message = "An unexpected error happened. Please try again; if it keeps happening, contact support with the request id below.";
  if (isRouteErrorResponse(error)) {
    status = error.status;
    const detail = typeof error.data === "object" && error.data && "message" in error.data ? String(error.data.message) : null;
    if (status === 400 || status === 422) {
      title = "That request could not be understood";
      message = detail ?? "Check what you entered and try again.";
    } else if (status === 403) {
      title = "You do not have access";
      message = detail ?? "Your account is not allowed to open this page.";
    } else if (status === 404) {
      title = "Page not found";
      message = detail ?? "There is nothing here. The address may be mistyped, or the item was removed.";
    } else if (status === 409) {
      title = "Someone else changed this";
      message = detail ?? "Reload the page to see the latest version, then try again.";
    } else if (status === 429) {
      title = "Too many requests";
      message = detail ?? "Please wait a moment and try again.";
    } else if (status === 503) {
      title = "Temporarily unavailable";
      message = "The service cannot reach its database right now. Please try again shortly.";
    }
  }
  const stack = import.meta.env.DEV && error instanceof Error ? error.stack : null;
  return (
    <AppShell user={root?.user ?? null} navigation={root?.navigation ?? []}>
      <title>{`${title} · Support Portal`}</title>
      <section className="error-page" aria-labelledby="error-title">
        <p className="error-status">{status}</p>
        <h1 id="error-title">{title}</h1>
        <p>{message}</p>
        <p className="muted">
          <a href={root?.user ? "/" : "/login"}>Go to the start page</a>
          {root?.requestId ? <> · Request id: <code>{root.requestId}</code></> : null}
        </p>
        {stack ? <pre className="error-stack">{stack}</pre> : null}
      </section>
    </AppShell>
  );
}
