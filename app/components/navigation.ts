import type { Role } from "~/modules/auth/permissions";

export interface NavItem {
  to: string;
  label: string;
}

/** Navigation fitted to each role: only built features appear. */
export function navigationFor(role: Role | null): NavItem[] {
  switch (role) {
    case "customer":
      return [
        { to: "/portal", label: "Support" },
        { to: "/help", label: "Help" },
      ];
    case "agent":
      return [
        { to: "/desk", label: "Desk" },
        { to: "/desk/kb", label: "Knowledge base" },
        { to: "/help", label: "Help" },
      ];
    case "sales":
      return [
        { to: "/beta", label: "Beta program" },
        { to: "/help", label: "Help" },
      ];
    case "admin":
      return [
        { to: "/desk", label: "Desk" },
        { to: "/desk/kb", label: "Knowledge base" },
        { to: "/help", label: "Help" },
        { to: "/beta", label: "Beta program" },
        { to: "/admin/users", label: "Users" },
        { to: "/admin/organizations", label: "Organizations" },
        { to: "/admin/mailbox", label: "Mailbox" },
      ];
    default:
      return [];
  }
}
