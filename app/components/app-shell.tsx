import { Form, Link, NavLink } from "react-router";
import type { NavItem } from "./navigation";

interface ShellUser {
  name: string;
  email: string;
  role: string;
}

export function AppShell({ user, navigation, children }: { user: ShellUser | null; navigation: NavItem[]; children: React.ReactNode }) {
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
                  <NavLink to={item.to} prefetch="intent" end={item.to === "/portal" || item.to === "/desk" || item.to === "/beta"}>
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
      <main id="main" className="main">
        {children}
      </main>
    </>
  );
}
