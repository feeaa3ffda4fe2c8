import { sql } from "drizzle-orm";
import { doublePrecision, index, integer, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { organizations, roleEnum, users } from "./orgs";

/** Lucia-style sessions: the primary key is the SHA-256 (hex) of the cookie token. */
export const sessions = pgTable(
  "sessions",
  {
    id: text().primaryKey(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** Sliding expiry (30 days, renewed when less than half remains). */
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    /** Absolute lifetime (90 days from sign-in); never extended. */
    absoluteExpiresAt: timestamp({ withTimezone: true }).notNull(),
    ip: text(),
    userAgent: text(),
  },
  (t) => [index("sessions_user_idx").on(t.userId), index("sessions_expires_idx").on(t.expiresAt)],
);

export const authTokenPurposeEnum = pgEnum("auth_token_purpose", ["password_reset", "invitation", "email_verification"]);

/** Single-use, expiring tokens sent by email. Only the SHA-256 of the token is stored. */
export const authTokens = pgTable(
  "auth_tokens",
  {
    id: uuid().primaryKey().defaultRandom(),
    tokenHash: text().notNull().unique(),
    purpose: authTokenPurposeEnum().notNull(),
    /** The user the token is bound to (reset, verification, and invitations of existing rows). */
    userId: uuid().references(() => users.id, { onDelete: "cascade" }),
    email: text().notNull(),
    /** Invitation details. */
    role: roleEnum(),
    organizationId: uuid().references(() => organizations.id, { onDelete: "cascade" }),
    invitedById: uuid().references(() => users.id, { onDelete: "set null" }),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    usedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("auth_tokens_user_idx").on(t.userId), index("auth_tokens_email_idx").on(t.email)],
);

/** Token buckets for rate limits (sign-in per IP and per account, API later). Kept in the
 * database so a limit holds across processes. */
export const rateLimits = pgTable(
  "rate_limits",
  {
    key: text().primaryKey(),
    tokens: doublePrecision().notNull(),
    updatedAt: timestamp({ withTimezone: true }).notNull(),
    /** Consecutive failures; drives the growing delay. Reset on success. */
    failures: integer().notNull().default(0),
    blockedUntil: timestamp({ withTimezone: true }),
  },
  (t) => [index("rate_limits_updated_idx").on(t.updatedAt).where(sql`${t.failures} = 0`)],
);
