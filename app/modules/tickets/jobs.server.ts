import { registerJobHandler, registerPeriodicTask } from "../jobs/runner.server";
import { autoCloseSolvedTickets } from "./auto-close.server";
import { INBOUND_JOB, processInboundEmail } from "./inbound.server";

/**
 * The tickets capability's background work, registered at import time. app/server/runtime.server.ts
 * imports this file, so the web process and `npm run worker` both run it.
 */
registerJobHandler(INBOUND_JOB, async (payload, ctx) => {
  const emailId = typeof payload.emailId === "string" ? payload.emailId : null;
  if (!emailId) throw new Error("inbound email job without an emailId");
  await processInboundEmail(emailId, ctx.db);
});

export const AUTO_CLOSE_TASK = "tickets.auto_close";

registerPeriodicTask({
  name: AUTO_CLOSE_TASK,
  everyMs: 10 * 60_000,
  async run({ db }) {
    await autoCloseSolvedTickets(db);
  },
});
