import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import { createDatabase, rowsOf, type Database, type DatabaseHandle } from "../../db/client";
import { apiTokens, auditEvents, organizations, tickets, users } from "../../db/schema";
import { createOrganization, createUser } from "../../db/seed/factories";
import { useDatabase } from "~/lib/db.server";
import { resetEnvForTests } from "~/lib/env.server";
import { startRuntime, stopRuntime } from "~/server/runtime.server";
import { backupPglite, postgresBackupHelp, restorePglite } from "~/cli/backup";
import { loader as meLoader } from "~/routes/api/me";
import { call, getRequest } from "../support/requests";
import { testDatabase } from "../support/integration-setup";

// Runs the real CLI (`npx tsx app/cli/admin.ts`) for backup/restore of the embedded database
// and create-api-token. PGlite directories start from a migrated dump (no process pays for a
// fresh initdb); on Postgres runs the token lands in this file's Postgres database.
let dir: string;
let template: Blob;
const onPostgres = () => inject("dbKind") === "postgres";

function run(args: string[], env: Record<string, string | undefined>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, NODE_NO_WARNINGS: "1", ...env };
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
    // node --import tsx: what `npm run admin` runs, without npm's and npx's start-up cost.
    const child = spawn(process.execPath, ["--import", "tsx", "app/cli/admin.ts", ...args], { cwd: process.cwd(), env: childEnv, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end();
  });
}

const errorLines = (stderr: string) => stderr.split("\n").filter((l) => l.startsWith("Error: "));
const pglite = (dataDir: string) => ({ PGLITE_DIR: dataDir, DATABASE_URL: undefined });

/** A migrated PGlite directory at `path`. */
async function migratedDir(path: string): Promise<void> {
  const handle = await createDatabase({ dataDir: path, loadDataDir: template });
  await handle.close();
}

async function withDir<T>(path: string, fn: (db: Database, handle: DatabaseHandle) => Promise<T>): Promise<T> {
  const handle = await createDatabase({ dataDir: path });
  try {
    return await fn(handle.db, handle);
  } finally {
    await handle.close();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "portal-ops-cli-"));
  if (onPostgres()) {
    // The template is a Postgres database here: build a migrated PGlite dump once.
    const handle = await createDatabase({ dataDir: "memory://" });
    await handle.migrate();
    template = await handle.pglite!.dumpDataDir("none");
    await handle.close();
  } else {
    template = new Blob([readFileSync(inject("dbTemplate"))]);
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("backup and restore of the embedded database", () => {
  it("round trip: seeded data → backup → restore into a fresh directory → start-up shows the same rows", async () => {
    const source = join(dir, "source");
    await migratedDir(source);
    const seeded = await withDir(source, async (db) => {
      const org = await createOrganization(db, { name: "Backup Org" });
      const customer = await createUser(db, { email: "kept@backup.test", organizationId: org.id, password: null });
      await db.insert(tickets).values({ organizationId: org.id, requesterId: customer.id, subject: "Survives the restore" });
      return { orgId: org.id, userId: customer.id };
    });

    const file = join(dir, "portal.tar.gz");
    const fresh = join(dir, "restored");
    const backup = await run(["backup", file], pglite(source));
    expect(errorLines(backup.stderr)).toEqual([]);
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(/^Backed up .* \(\d+\.\d MB; 1 users, 1 organizations, 1 tickets\)\.$/m);
    expect(readFileSync(file).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(existsSync(`${file}.partial`)).toBe(false);

    const restored = await run(["restore", file], pglite(fresh));
    expect(errorLines(restored.stderr)).toEqual([]);
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain(`Restored ${file} into ${fresh} (1 users, 1 organizations, 1 tickets).`);

    // The real start-up path on the restored directory: open, migrate, (no demo seeding: not empty).
    const saved = { PGLITE_DIR: process.env.PGLITE_DIR, DATABASE_URL: process.env.DATABASE_URL, SEED_DEMO: process.env.SEED_DEMO };
    useDatabase(undefined);
    process.env.PGLITE_DIR = fresh;
    delete process.env.DATABASE_URL;
    resetEnvForTests();
    try {
      const info = await startRuntime({ jobs: false });
      expect(info).toMatchObject({ driver: "pglite", seeded: false, demo: false });
      const { db } = await import("~/lib/db.server");
      const [user] = await db().select().from(users).where(eq(users.id, seeded.userId));
      expect(user).toMatchObject({ email: "kept@backup.test", organizationId: seeded.orgId });
      const [org] = await db().select({ name: organizations.name }).from(organizations).where(eq(organizations.id, seeded.orgId));
      expect(org?.name).toBe("Backup Org");
      const ticketRows = await db().select({ subject: tickets.subject }).from(tickets);
      expect(ticketRows).toEqual([{ subject: "Survives the restore" }]);
      await stopRuntime();
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      resetEnvForTests();
      useDatabase(testDatabase());
    }
    // A closed database leaves no postmaster.pid behind, so the next backup is allowed.
    expect(existsSync(join(fresh, "postmaster.pid"))).toBe(false);

  }, 300_000);

  it("refuses to overwrite a backup, a non-empty or busy directory, or to load a file that is not a backup; --force moves aside", async () => {
    const source = join(dir, "refusals");
    await migratedDir(source);
    const file = join(dir, "refusals.tar.gz");
    await backupPglite(source, file);
    await expect(backupPglite(source, file)).rejects.toThrow(/refusals\.tar\.gz already exists\. Choose another file name, or repeat with --force/);
    await expect(restorePglite(file, source)).rejects.toThrow(/refusals is not empty: restore into a fresh directory/);

    writeFileSync(join(source, "postmaster.pid"), "-42\n/pglite/data\n");
    await expect(backupPglite(source, join(dir, "busy.tar.gz"))).rejects.toThrow(/looks open in another process \(its postmaster\.pid exists\): stop the web server/);
    await expect(restorePglite(file, source)).rejects.toThrow(/looks open in another process/);
    expect(existsSync(join(dir, "busy.tar.gz"))).toBe(false);
    rmSync(join(source, "postmaster.pid"));

    const garbage = join(dir, "garbage.tar.gz");
    writeFileSync(garbage, "not a backup");
    await expect(restorePglite(garbage, join(dir, "never"))).rejects.toThrow(/garbage\.tar\.gz is not a PGlite backup/);
    expect(existsSync(join(dir, "never"))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes("restoring"))).toEqual([]);
    await expect(restorePglite(join(dir, "missing.tar.gz"), join(dir, "never"))).rejects.toThrow(/There is no backup file/);

    mkdirSync(join(dir, "empty"));
    await expect(restorePglite(file, join(dir, "empty"))).resolves.toMatchObject({ movedAside: null, tables: { users: 0 } });
    const forced = await restorePglite(file, source, { force: true, stamp: "20260302T090000" });
    expect(forced.movedAside).toBe(`${source}.before-restore-20260302T090000`);
    expect(existsSync(join(forced.movedAside!, "PG_VERSION"))).toBe(true);
    expect(existsSync(join(source, "PG_VERSION"))).toBe(true);
  }, 300_000);

  it("prints pg_dump / pg_restore instead when DATABASE_URL is set", async () => {
    const pg = await run(["backup", "nightly.dump"], { DATABASE_URL: "postgres://portal:secret@db.example.test:5432/portal" });
    expect(pg.code).toBe(3);
    expect(pg.stdout).toContain('pg_dump --format=custom --no-owner --file="nightly.dump" "$DATABASE_URL"');
    expect(pg.stdout).not.toContain("secret");
    expect(postgresBackupHelp("restore", "nightly.dump")).toContain('pg_restore --no-owner --exit-on-error --dbname=postgres://USER@HOST:5432/portal_restored "nightly.dump"');
  }, 120_000);
});

describe("create-api-token", () => {
  it("prints a token once that works against /api/v1/me, with scopes checked against the role", async () => {
    // On PGlite the CLI gets a directory of its own; on Postgres it shares this file's database.
    const tokenDir = join(dir, "tokens");
    const target = onPostgres() ? { DATABASE_URL: testDatabase().url } : pglite(tokenDir);
    if (!onPostgres()) await migratedDir(tokenDir);
    const seed = async (db: Database) => {
      const org = await createOrganization(db);
      await createUser(db, { email: "bot-owner@staff.test", role: "agent", password: null });
      await createUser(db, { email: "customer@client.test", role: "customer", organizationId: org.id, password: null });
      await createUser(db, { email: "gone@staff.test", role: "agent", password: null, disabledAt: new Date() });
    };
    if (onPostgres()) await seed(testDatabase().db);
    else await withDir(tokenDir, seed);

    // One PGlite directory admits one process at a time: the commands that open it run in turn;
    // those refused while parsing their arguments never open it and run alongside.
    const [created, unknownScope, badDays] = await Promise.all([
      run(["create-api-token", "--email", "Bot-Owner@staff.test", "--scopes", "tickets:read, kb:read", "--name", "CI bot", "--expires-in-days", "7"], target),
      run(["create-api-token", "--email", "bot-owner@staff.test", "--scopes", "tickets:delete"], target),
      run(["create-api-token", "--email", "bot-owner@staff.test", "--scopes", "kb:read", "--expires-in-days", "1000"], target),
    ]);
    const tooMuch = await run(["create-api-token", "--email", "customer@client.test", "--scopes", "tickets:read,admin"], target);
    const disabled = await run(["create-api-token", "--email", "gone@staff.test", "--scopes", "kb:read"], target);
    expect(errorLines(created.stderr)).toEqual([]);
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^pt_[a-z2-7]{32}$/);
    expect(created.stderr).toContain('Created API token "CI bot" for bot-owner@staff.test (tickets:read, kb:read), expiring in 7 days.');
    expect(tooMuch.code).toBe(1);
    expect(errorLines(tooMuch.stderr)).toEqual(["Error: A customer cannot be given admin. Scopes this account may have: tickets:read, tickets:write, kb:read."]);
    expect(unknownScope.code).toBe(2);
    expect(errorLines(unknownScope.stderr)[0]).toMatch(/^Error: Unknown scope tickets:delete\. Scopes: tickets:read/);
    expect(disabled.code).toBe(1);
    expect(errorLines(disabled.stderr)[0]).toContain("is disabled");
    expect(badDays.code).toBe(2);
    expect(errorLines(badDays.stderr)).toEqual(["Error: --expires-in-days must be between 1 and 365."]);

    // The token authenticates against the API, on the database the CLI wrote to.
    const handle = onPostgres() ? null : await createDatabase({ dataDir: tokenDir });
    if (handle) useDatabase(handle);
    try {
      const me = await call(meLoader, getRequest("/api/v1/me", null, { authorization: `Bearer ${token}` }));
      expect(me.status).toBe(200);
      expect(me.data).toMatchObject({ user: { email: "bot-owner@staff.test", role: "agent" }, token: { name: "CI bot", scopes: ["tickets:read", "kb:read"] } });
      const { db } = await import("~/lib/db.server");
      const [row] = await db().select().from(apiTokens).where(eq(apiTokens.name, "CI bot"));
      const days = (row!.expiresAt.getTime() - row!.createdAt.getTime()) / 86_400_000;
      expect(days).toBe(7);
      expect(row!.tokenHash).not.toContain(token);
      const events = await db().select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.targetId, row!.id));
      expect(events).toEqual([{ action: "api_token.created" }]);
      const count = rowsOf<{ n: number }>(await db().execute(sql`select count(*)::int as n from api_tokens`));
      expect(count[0]!.n).toBe(1);
      const wrong = await call(meLoader, getRequest("/api/v1/me", null, { authorization: `Bearer ${token.slice(0, -1)}${token.endsWith("a") ? "b" : "a"}` }));
      expect(wrong.status).toBe(401);
    } finally {
      if (handle) {
        useDatabase(testDatabase());
        await handle.close();
      }
    }
  }, 300_000);
});
