import { hash } from "@node-rs/argon2";
import type { Executor } from "../client";
import { organizations, users } from "../schema";

/** Factories shared by the demo seed and the tests (tests/support/factories.ts re-exports). */

const hashes = new Map<string, Promise<string>>();
/** Argon2id hash of a password, computed once per password per process (seeding stays fast). */
export function passwordHashFor(password: string): Promise<string> {
  let h = hashes.get(password);
  if (!h) {
    h = hash(password, { memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 32 });
    hashes.set(password, h);
  }
  return h;
}

let counter = 0;
const next = () => ++counter;

export type NewOrganization = typeof organizations.$inferInsert;
export type NewUser = Omit<typeof users.$inferInsert, "passwordHash"> & { password?: string | null };

export async function createOrganization(db: Executor, overrides: Partial<NewOrganization> = {}) {
  const n = next();
  const [org] = await db
    .insert(organizations)
    .values({ name: `Organization ${n}`, domain: `org${n}-${Date.now().toString(36)}.test`, plan: "standard", ...overrides })
    .returning();
  return org!;
}

export async function createUser(db: Executor, overrides: Partial<NewUser> = {}) {
  const n = next();
  const { password = "correct-horse-battery", ...rest } = overrides;
  const [user] = await db
    .insert(users)
    .values({
      email: `user${n}-${Date.now().toString(36)}@example.test`,
      name: `User ${n}`,
      role: "customer",
      ...rest,
      passwordHash: password === null ? null : await passwordHashFor(password),
    })
    .returning();
  return user!;
}
