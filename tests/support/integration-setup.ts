import { afterAll, beforeAll } from "vitest";
import { useDatabase } from "~/lib/db.server";
import { resetEnvForTests } from "~/lib/env.server";
import { testClock } from "~/lib/clock";
import { openTestDatabase, type TestDatabase } from "./test-database";

// Every integration test file gets its own migrated database, installed as the app's handle.
let database: TestDatabase;

process.env.LOG_LEVEL ??= "silent";
process.env.APP_URL = "http://portal.test";
process.env.EMAIL_FROM = "Support <support@portal.test>";
delete process.env.RESEND_API_KEY;
resetEnvForTests();

beforeAll(async () => {
  database = await openTestDatabase();
  useDatabase(database);
});

afterAll(async () => {
  testClock.reset();
  useDatabase(undefined);
  await database?.destroy();
});

export function testDatabase(): TestDatabase {
  return database;
}
