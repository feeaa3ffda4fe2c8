/** The built-in agent views of the desk sidebar (shared by server and UI). */
export const deskViews = {
  unassigned: "Unassigned",
  mine: "Mine",
  "my-groups": "My groups",
  "all-open": "All open",
  pending: "Pending",
  "recently-solved": "Recently solved",
  "breaching-soon": "Breaching within 1 hour",
  breached: "Breached",
} as const;
export type DeskView = keyof typeof deskViews;
