import { sql } from "drizzle-orm";
import { date, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./orgs";

/**
 * Personal API tokens (bearer, `pt_…`). Only the SHA-256 of the token is stored; `prefix` is
 * the first characters, shown in lists so an owner can tell tokens apart.
 */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text().notNull(),
    tokenHash: text().notNull().unique(),
    prefix: text().notNull(),
    scopes: text().array().notNull().default(sql`'{}'::text[]`),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    lastUsedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("api_tokens_user_idx").on(t.userId, t.createdAt)],
);

/** Requests and errors per token per day (UTC), counted with one upsert per request. */
export const apiUsage = pgTable(
  "api_usage",
  {
    id: uuid().primaryKey().defaultRandom(),
    tokenId: uuid()
      .notNull()
      .references(() => apiTokens.id, { onDelete: "cascade" }),
    day: date({ mode: "string" }).notNull(),
    requests: integer().notNull().default(0),
    errors: integer().notNull().default(0),
  },
  (t) => [uniqueIndex("api_usage_token_day_idx").on(t.tokenId, t.day)],
);
