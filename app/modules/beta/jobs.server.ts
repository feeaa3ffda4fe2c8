import { registerPeriodicTask } from "~/modules/jobs/runner.server";
import { sendStaleDigests } from "./pipeline.server";

/** The daily digest of stale deals to each owner (one process per day: job_schedules claims the period). */
registerPeriodicTask({
  name: "beta.stale-digest",
  everyMs: 24 * 60 * 60 * 1000,
  leaseMs: 10 * 60 * 1000,
  async run({ db }) {
    await sendStaleDigests(db);
  },
});
