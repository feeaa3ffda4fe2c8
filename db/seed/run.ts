// `npm run db:seed`: seeds the demo into the configured database unless it already has users.
import { count } from "drizzle-orm";
import { createDatabase } from "../client";
import { users } from "../schema";
import { DEMO_PASSWORD, demoAccounts, seedDemo } from "./demo";

const url = process.env.DATABASE_URL || undefined;
const handle = await createDatabase(url ? { url } : { dataDir: process.env.PGLITE_DIR ?? ".data/pglite" });
try {
  await handle.migrate();
  const [row] = await handle.db.select({ n: count() }).from(users);
  if (Number(row?.n ?? 0) > 0) {
    console.log("The database already has users: nothing seeded (demo data goes only into an empty database).");
  } else {
    await seedDemo(handle.db);
    console.log(`Demo seeded. Sign in with any of these (password ${DEMO_PASSWORD}):`);
    for (const a of demoAccounts) console.log(`  ${a.role.padEnd(8)} ${a.email}`);
  }
} finally {
  await handle.close();
}
