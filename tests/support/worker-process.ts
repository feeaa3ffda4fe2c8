// A job-runner process for fault tests: `node --import tsx tests/support/worker-process.ts`
// runs what `npm run worker` runs (the runtime with its jobs), straight from the sources, against
// the DATABASE_URL in its environment. It prints "ready" once jobs run, and stops on SIGTERM.
import { startRuntime, stopRuntime } from "~/server/runtime.server";

await startRuntime({ jobs: true });
process.stdout.write("ready\n");
process.on("SIGTERM", () => {
  void stopRuntime().then(() => process.exit(0));
});
