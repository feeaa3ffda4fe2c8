// The opt-in statement capture that `npm run bench` uses to replay a page's SQL in its baseline.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { createDatabase, runDeferred } from "../../db/client";

const dir = mkdtempSync(join(tmpdir(), "bench-capture-"));
const file = join(dir, "statements.jsonl");

afterEach(() => {
  delete process.env.BENCH_CAPTURE_SQL;
});

async function run(): Promise<void> {
  const handle = await createDatabase(process.env.DATABASE_URL ? { url: process.env.DATABASE_URL, max: 1 } : { dataDir: "memory://" });
  try {
    await handle.db.execute(sql`select ${"captured-value"}::text as v, ${42}::int as n`);
    // Work no response waits for (the batched search log): marked, so the bench does not replay it.
    await runDeferred(async () => {
      await new Promise((r) => setTimeout(r, 1));
      await handle.db.execute(sql`select ${"deferred-value"}::text as d`);
    });
  } finally {
    await handle.close();
  }
}

describe("BENCH_CAPTURE_SQL", () => {
  it("appends every statement with its parameters as a JSON line", async () => {
    process.env.BENCH_CAPTURE_SQL = file;
    await run();
    const lines = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { query: string; params: unknown[] });
    const mine = lines.find((l) => l.query.includes("::text as v"));
    expect(mine).toBeDefined();
    expect(mine!.params).toEqual(["captured-value", 42]);
    expect(mine).not.toHaveProperty("deferred");
    expect(lines.find((l) => l.query.includes("::text as d"))).toMatchObject({ params: ["deferred-value"], deferred: true });
  });

  it("captures nothing unless asked", async () => {
    rmSync(file, { force: true });
    await run();
    expect(() => readFileSync(file)).toThrow();
    rmSync(dir, { recursive: true, force: true });
  });
});
