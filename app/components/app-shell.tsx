import { Form, Link, NavLink, useLocation } from "react-router";
import { adminNavigation, type NavItem } from "./navigation";
import { Toast } from "./toast";
import { NavigationProgress } from "./skeleton";
import type { Toast as ToastData } from "~/lib/toast";

interface ShellUser {
  name: string;
  email: string;
  role: string;
}

export function AppShell({
  user,
  navigation,
  unreadNotifications = null,
  toast = null,
  children,
}: {
  user: ShellUser | null;
  navigation: NavItem[];
  /** Unread in-app notifications; null for people who get none (customers). */
  unreadNotifications?: number | null;
  /** The message of the action that led here (app/lib/toast.server.ts). */
  toast?: ToastData | null;
  children: React.ReactNode;
}) {
  const { pathname } = useLocation();
  const inAdmin = user?.role === "admin" && pathname.startsWith("/admin");
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand" aria-label="Support Portal home">
          <span className="brand-mark" aria-hidden="true">
            ◆
          </span>
          Support Portal
        </Link>
        {navigation.length > 0 ? (
          <nav aria-label="Main" className="mainnav">
            <ul>
              {navigation.map((item) => (
                <li key={item.to}>
                  <NavLink
                    to={item.to}
                    prefetch="intent"
                    end={item.to === "/portal" || item.to === "/desk" || item.to === "/beta"}
                    className={({ isActive }) => (isActive || (item.label === "Admin" && inAdmin) ? "active" : "")}
                  >
                    {item.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
        <div className="topbar-end">
          {user ? (
            <>
              {unreadNotifications !== null ? (
                <Link
                  to="/notifications"
                  className="notification-bell"
                  aria-label={unreadNotifications ? `Notifications: ${unreadNotifications} unread` : "Notifications"}
                >
                  <svg aria-hidden="true" width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
                    <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
                    <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
                  </svg>
                  {unreadNotifications ? (
                    <span className="bell-count" aria-hidden="true">
                      {unreadNotifications > 99 ? "99+" : unreadNotifications}
                    </span>
                  ) : null}
                </Link>
              ) : null}
              <Link to="/account" className="account-link" title={user.email}>
                {user.name}
              </Link>
              <Form method="post" action="/logout">
                <button type="submit" className="btn btn-ghost btn-sm">
                  Sign out
                </button>
              </Form>
            </>
          ) : (
            <Link to="/login" className="btn btn-sm">
              Sign in
            </Link>
          )}
        </div>
      </header>
      {inAdmin ? (
        <nav aria-label="Administration" className="subnav">
          <ul>
            {adminNavigation.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} prefetch="intent">
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      <NavigationProgress />
      <div className="toast-region">
        <Toast toast={toast} />
      </div>
      <main id="main" className="main">
        {children}
      </main>
    </>
  );
}
