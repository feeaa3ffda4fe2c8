import type { Role } from "~/modules/auth/permissions";

export interface NavItem {
  to: string;
  label: string;
}

/** Navigation fitted to each role: only built features appear, the role's home first. */
export function navigationFor(role: Role | null, options: { betaCustomer?: boolean } = {}): NavItem[] {
  switch (role) {
    case "customer":
      return [
        { to: "/portal", label: "Support" },
        { to: "/portal/organization", label: "My organization" },
        { to: "/help", label: "Help" },
        ...(options.betaCustomer ? [{ to: "/portal/feedback", label: "Feedback" }] : []),
      ];
    case "agent":
      return [
        { to: "/desk", label: "Desk" },
        { to: "/desk/customers", label: "Customers" },
        { to: "/desk/reports/sla", label: "SLA reports" },
        { to: "/desk/kb", label: "Knowledge base" },
        { to: "/help", label: "Help" },
      ];
    case "sales":
      return [
        { to: "/beta", label: "Beta program" },
        { to: "/beta/reports", label: "Reports" },
        { to: "/beta/goals", label: "Goals" },
        { to: "/admin/organizations", label: "Organizations" },
        { to: "/help", label: "Help" },
      ];
    case "admin":
      return [
        { to: "/admin/users", label: "Admin" },
        { to: "/desk", label: "Desk" },
        { to: "/desk/reports/sla", label: "SLA reports" },
        { to: "/desk/kb", label: "Knowledge base" },
        { to: "/beta", label: "Beta program" },
        { to: "/help", label: "Help" },
      ];
    default:
      return [];
  }
}

/** The administration pages, shown as a second row of navigation under /admin. */
export const adminNavigation: NavItem[] = [
  { to: "/admin/users", label: "Users" },
  { to: "/admin/organizations", label: "Organizations" },
  { to: "/admin/groups", label: "Groups" },
  { to: "/admin/macros", label: "Macros" },
  { to: "/admin/sla", label: "SLA" },
  { to: "/admin/mailbox", label: "Mailbox" },
  { to: "/admin/audit", label: "Audit log" },
  { to: "/admin/slack", label: "Slack" },
  { to: "/admin/webhooks", label: "Webhooks" },
];
