// Background work of outgoing webhooks, registered with the job runner at import time
// (app/server/runtime.server.ts imports this module): the dispatch job queued by every event,
// and a periodic pass that sends retries whose backoff ended and rows whose lease expired.
import { env } from "~/lib/env.server";
import { registerJobHandler, registerPeriodicTask } from "../jobs/runner.server";
import { dispatchWebhooks } from "./deliver.server";
import { WEBHOOK_DISPATCH_JOB } from "./emit.server";

registerJobHandler(WEBHOOK_DISPATCH_JOB, async (_payload, ctx) => {
  await dispatchWebhooks(ctx.db, { signal: ctx.signal });
});

registerPeriodicTask({
  name: "webhooks.retry",
  everyMs: Math.max(env().JOB_POLL_MS, 5_000),
  leaseMs: 5 * 60_000,
  async run({ db, signal }) {
    await dispatchWebhooks(db, { signal });
  },
});
