import type { Role } from "~/modules/auth/permissions";

export interface NavItem {
  to: string;
  label: string;
}

/** Navigation fitted to each role: only built features appear. */
export function navigationFor(role: Role | null): NavItem[] {
  switch (role) {
    case "customer":
      return [{ to: "/portal", label: "Support" }];
    case "agent":
      return [{ to: "/desk", label: "Desk" }];
    case "sales":
      return [{ to: "/beta", label: "Beta program" }];
    case "admin":
      return [
        { to: "/desk", label: "Desk" },
        { to: "/beta", label: "Beta program" },
        { to: "/admin/users", label: "Users" },
        { to: "/admin/organizations", label: "Organizations" },
        { to: "/admin/mailbox", label: "Mailbox" },
      ];
    default:
      return [];
  }
}
