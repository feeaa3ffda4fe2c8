/** A message shown once after an action (app/lib/toast.server.ts sets it, the app shell shows it). */
export interface Toast {
  id: string;
  message: string;
  kind: "success" | "info" | "error";
}
