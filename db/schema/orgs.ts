import { sql } from "drizzle-orm";
import { boolean, date, index, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

export const planEnum = pgEnum("organization_plan", ["standard", "enterprise", "beta"]);
export const roleEnum = pgEnum("user_role", ["customer", "agent", "sales", "admin"]);

/** Customer companies. Staff users belong to no organization. */
export const organizations = pgTable(
  "organizations",
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull(),
    /** Lower-case email domain; mail from it opens tickets for this organization. */
    domain: text(),
    plan: planEnum().notNull().default("standard"),
    /** "Members see each other's tickets". */
    shareTickets: boolean().notNull().default(false),
    /** The day a beta customer converted to a paid plan (set by the beta exit decision). */
    convertedOn: date({ mode: "string" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("organizations_domain_key").on(t.domain).where(sql`${t.domain} is not null`),
    index("organizations_name_idx").on(t.name),
  ],
);

export const users = pgTable(
  "users",
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Always stored lower-case and trimmed. */
    email: text().notNull(),
    name: text().notNull(),
    role: roleEnum().notNull(),
    organizationId: uuid().references(() => organizations.id, { onDelete: "restrict" }),
    /** Null until an invitation is accepted. */
    passwordHash: text(),
    timeZone: text(),
    disabledAt: timestamp({ withTimezone: true }),
    emailBouncedAt: timestamp({ withTimezone: true }),
    lastSignInAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("users_email_key").on(t.email),
    index("users_organization_idx").on(t.organizationId),
    index("users_role_idx").on(t.role),
  ],
);
