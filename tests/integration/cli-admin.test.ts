import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import { createDatabase } from "../../db/client";
import { auditEvents, users } from "../../db/schema";
import { verifyPassword } from "~/modules/auth/password.server";
import { testDatabase } from "../support/integration-setup";

// Runs the real CLI (`npx tsx app/cli/admin.ts`). On PGlite it gets a directory of its own that
// starts from the migrated template (no process pays for a fresh initdb); with DATABASE_URL it
// uses this file's Postgres database.
let dir: string;
let pgliteDir: string;
const postgresUrl = () => (inject("dbKind") === "postgres" ? testDatabase().url : undefined);

function run(args: string[], stdin = ""): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, PGLITE_DIR: pgliteDir, NODE_NO_WARNINGS: "1" };
    delete env.DATABASE_URL;
    if (postgresUrl()) env.DATABASE_URL = postgresUrl();
    const child = spawn("npx", ["tsx", "app/cli/admin.ts", ...args], { cwd: process.cwd(), env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

/** The CLI's own error lines (npm may add warnings of its own on stderr). */
function errorLines(stderr: string): string[] {
  return stderr.split("\n").filter((l) => l.startsWith("Error: "));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "portal-cli-"));
  pgliteDir = join(dir, "pglite");
  if (inject("dbKind") === "pglite") {
    const handle = await createDatabase({ dataDir: pgliteDir, loadDataDir: new Blob([readFileSync(inject("dbTemplate"))]) });
    await handle.close();
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run admin", () => {
  // Spawning costs seconds, so one test runs the independent commands side by side.
  it("lists its commands, refuses a short password, creates an admin from stdin and refuses the same email twice", async () => {
    const [help, shortPassword, created] = await Promise.all([
      run(["--help"]),
      run(["create-admin", "--email", "short@staff.test"], "short\n"),
      run(["create-admin", "--email", "Root@Example.test", "--name", "Root Admin"], "a-long-password-2026\n"),
    ]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("create-admin --email <email> [--name <name>]");
    expect(help.stdout).toMatch(/stop the web server/);
    expect(shortPassword.code).toBe(1);
    expect(errorLines(shortPassword.stderr)).toEqual(["Error: The password must have at least 10 characters."]);
    expect(created.stderr.split("\n").filter((l) => l.startsWith("Error"))).toEqual([]);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain("Created administrator root@example.test (Root Admin).");

    const again = await run(["create-admin", "--email", "root@example.test"], "another-long-password\n");
    expect(again.code).toBe(1);
    expect(errorLines(again.stderr)).toEqual(["Error: An account with the email root@example.test already exists."]);

    const url = postgresUrl();
    const handle = await createDatabase(url ? { url, max: 1 } : { dataDir: pgliteDir });
    try {
      const [row] = await handle.db.select().from(users).where(eq(users.email, "root@example.test"));
      expect(row).toMatchObject({ role: "admin", name: "Root Admin", organizationId: null, disabledAt: null });
      expect(await verifyPassword(row!.passwordHash!, "a-long-password-2026")).toBe(true);
      const events = await handle.db.select().from(auditEvents).where(eq(auditEvents.targetId, row!.id));
      expect(events.map((e) => e.action)).toEqual(["user.created"]);
    } finally {
      await handle.close();
    }
    // Each spawn is 2–4 s on an idle machine (npx + tsx + PGlite); allow for a busy one.
  }, 120_000);
});
