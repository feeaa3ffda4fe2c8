import { registerPeriodicTask } from "~/modules/jobs/runner.server";
import { sendStaleDigests } from "./pipeline.server";
import { sendWeeklySummary } from "./goals.server";

/** The daily digest of stale deals to each owner (one process per day: job_schedules claims the period). */
registerPeriodicTask({
  name: "beta.stale-digest",
  everyMs: 24 * 60 * 60 * 1000,
  leaseMs: 10 * 60 * 1000,
  async run({ db }) {
    await sendStaleDigests(db);
  },
});

/**
 * The weekly goals summary to sales and admins: checked every 15 minutes, sent from Monday 08:00
 * in the company time zone, once per week (beta_weekly_summaries holds the week).
 */
registerPeriodicTask({
  name: "beta.weekly-summary",
  everyMs: 15 * 60 * 1000,
  leaseMs: 10 * 60 * 1000,
  async run({ db }) {
    await sendWeeklySummary(db);
  },
});
