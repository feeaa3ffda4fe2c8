import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { dropDatabase, uniqueName, withDatabase } from "./postgres";
import postgres from "postgres";

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the built server under test. */
    baseUrl: string;
    /** Chromium executable, or "" when none was found (outside CI the browser tests are skipped). */
    chromiumPath: string;
    /** JSON file {"offsetMs": n} the server reads as its test clock (TEST_CLOCK_FILE). */
    testClockFile: string;
  }
}

export function findChromium(): string {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].filter(Boolean) as string[];
  return candidates.find((p) => existsSync(p)) ?? "";
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      srv.close(() => (typeof address === "object" && address ? resolvePort(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * Builds the portal (`npm start`'s scripts/start.js rebuilds when the sources are newer than the
 * build) and runs the compiled server as production does, starts the
 * production server on a free port with a fresh database — a new PGlite directory, or a new
 * database on the Postgres at DATABASE_URL — and stops it afterwards.
 */
export default async function setup(project: TestProject) {
  const chromiumPath = findChromium();
  if (!chromiumPath) {
    if (process.env.CI === "true") throw new Error("Chromium was not found (set CHROMIUM_PATH or install chromium): browser tests cannot be skipped under CI.");
    console.warn("Chromium not found: browser tests are skipped (set CHROMIUM_PATH or `apt-get install chromium`).");
    project.provide("chromiumPath", "");
    project.provide("baseUrl", "");
    project.provide("testClockFile", "");
    return;
  }
  const root = resolve(import.meta.dirname, "../..");
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "portal-e2e-"));
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    APP_URL: baseUrl,
    PGLITE_DIR: join(dataDir, "pglite"),
    SEED_DEMO: "true",
    RUN_JOBS: "true",
    JOB_POLL_MS: "200",
    // A test clock the browser tests move by writing this file (app/lib/clock.ts), and a fast SLA sweep.
    ALLOW_TEST_CLOCK: "true",
    TEST_CLOCK_FILE: join(dataDir, "clock.json"),
    SLA_SWEEP_MS: "500",
    // The webhook browser test delivers to a receiver on 127.0.0.1.
    ALLOW_PRIVATE_WEBHOOK_TARGETS: "true",
    LOG_LEVEL: "warn",
  };
  delete env.RESEND_API_KEY;
  let pgName: string | undefined;
  if (process.env.DATABASE_URL) {
    pgName = uniqueName("portal_e2e");
    const admin = postgres(withDatabase(process.env.DATABASE_URL, "postgres"), { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${pgName}"`);
    await admin.end();
    env.DATABASE_URL = withDatabase(process.env.DATABASE_URL, pgName);
  }

  const child: ChildProcess = spawn(process.execPath, [join(root, "scripts/start.js")], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));

  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The server exited during start-up:\n${output.slice(-4000)}`);
    try {
      const res = await fetch(`${baseUrl}/healthz`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`The server did not answer /healthz within 180 s:\n${output.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  project.provide("baseUrl", baseUrl);
  project.provide("chromiumPath", chromiumPath);
  project.provide("testClockFile", join(dataDir, "clock.json"));

  return async () => {
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    child.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    if (child.exitCode === null) child.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
    if (pgName && process.env.DATABASE_URL) await dropDatabase(process.env.DATABASE_URL, pgName);
  };
}
