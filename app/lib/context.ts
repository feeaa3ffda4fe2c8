import type { Session, SessionShell, SessionUser } from "~/modules/auth/session.server";

/** What the HTTP layer hands every loader and action (see app/server/app.ts). */
export type RequestContext = {
  requestId: string;
  /** CSP nonce for inline scripts of this response. */
  nonce: string;
  /** Client IP (X-Forwarded-For only when TRUST_PROXY is set). */
  ip: string | null;
  user: SessionUser | null;
  session: Session | null;
  /** The header's facts read with the session (unread count, beta flag); the root loader reuses them. */
  shell?: SessionShell | null;
  /** True when React Router renders this response as an HTML document (not a `.data` request):
   * a loader may then leave markup the page already shows out of its data (app/lib/document-html.ts). */
  documentRender?: boolean;
};

declare module "react-router" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends RequestContext {}
}
