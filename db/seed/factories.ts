import { hash } from "@node-rs/argon2";
import { sha256 } from "@oslojs/crypto/sha2";
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from "@oslojs/encoding";
import type { Executor } from "../client";
import { authTokens, organizations, users } from "../schema";

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

/**
 * A pending invitation: a user row without a password plus a 7-day invitation token (only its
 * SHA-256 is stored, as app/modules/auth/tokens.ts does). Returns the token for tests that
 * accept it.
 */
export async function createInvitation(
  db: Executor,
  input: { email: string; name?: string; role?: NewUser["role"]; organizationId?: string | null; invitedById?: string | null },
) {
  const user = await createUser(db, {
    email: input.email,
    name: input.name ?? input.email.split("@")[0]!,
    role: input.role ?? "customer",
    organizationId: input.organizationId ?? null,
    password: null,
  });
  const token = encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(20)));
  await db.insert(authTokens).values({
    tokenHash: encodeHexLowerCase(sha256(new TextEncoder().encode(token))),
    purpose: "invitation",
    userId: user.id,
    email: user.email,
    role: user.role,
    organizationId: user.organizationId,
    invitedById: input.invitedById ?? null,
    expiresAt: new Date(Date.now() + 7 * 24 * 60 * 60 * 1000),
  });
  return { user, token };
}
