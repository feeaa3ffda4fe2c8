import { and, asc, count, eq, ne, sql } from "drizzle-orm";
import { z } from "zod";
import { organizations, users } from "../../../db/schema";
import { db, type Executor } from "~/lib/db.server";
import { now } from "~/lib/clock";
import { audit } from "../audit/audit.server";
import { AccountError, invite } from "../auth/account.server";
import { normalizeEmail } from "../auth/sign-in.server";
import { userStatus, type UserStatus } from "./users.server";

export const plans = ["standard", "enterprise", "beta"] as const;
export type Plan = (typeof plans)[number];
export const planLabels: Record<Plan, string> = { standard: "Standard", enterprise: "Enterprise", beta: "Beta" };

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

/** The organization form (create and edit). The domain is optional, lower-cased and unique. */
export const organizationSchema = z.object({
  name: z.string().trim().min(1, "Enter the organization's name.").max(200, "Keep the name under 200 characters."),
  domain: z
    .string()
    .trim()
    .toLowerCase()
    .max(253, "That domain is too long.")
    .refine((v) => v === "" || DOMAIN.test(v), "Enter a domain such as example.com (no https:// and no @).")
    .transform((v) => (v === "" ? null : v))
    .optional()
    .transform((v) => v ?? null),
  plan: z.enum(plans, "Choose a plan."),
  shareTickets: z
    .union([z.literal("on"), z.literal("true"), z.literal("1")])
    .optional()
    .transform((v) => v !== undefined),
});
export type OrganizationInput = z.infer<typeof organizationSchema>;

/** A refused organization change; `field` names the form field it belongs to. */
export class OrganizationError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

// Qualified by hand: inside a sql template Drizzle renders columns without their table.
const memberCount = sql<number>`(select count(*)::int from "users" where "users"."organization_id" = "organizations"."id")`;

export interface OrganizationRow {
  id: string;
  name: string;
  domain: string | null;
  plan: Plan;
  shareTickets: boolean;
  memberCount: number;
  createdAt: Date;
}

/** Every organization (optionally of one plan), by name, with how many people belong to it. */
export async function listOrganizations(filters: { plan?: Plan } = {}): Promise<OrganizationRow[]> {
  const rows = await db()
    .select({
      id: organizations.id,
      name: organizations.name,
      domain: organizations.domain,
      plan: organizations.plan,
      shareTickets: organizations.shareTickets,
      memberCount,
      createdAt: organizations.createdAt,
    })
    .from(organizations)
    .where(filters.plan ? eq(organizations.plan, filters.plan) : undefined)
    .orderBy(asc(organizations.name), asc(organizations.id));
  return rows.map((r) => ({ ...r, memberCount: Number(r.memberCount) }));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function getOrganization(id: string) {
  if (!UUID.test(id)) return null;
  const [org] = await db().select().from(organizations).where(eq(organizations.id, id)).limit(1);
  return org ?? null;
}

export interface ContactRow {
  id: string;
  name: string;
  email: string;
  status: UserStatus;
  lastSignInAt: Date | null;
  createdAt: Date;
}

/** The people of an organization, by name. */
export async function listContacts(organizationId: string): Promise<ContactRow[]> {
  const rows = await db()
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      disabledAt: users.disabledAt,
      passwordHash: users.passwordHash,
      lastSignInAt: users.lastSignInAt,
      createdAt: users.createdAt,
    })
    .from(users)
    .where(eq(users.organizationId, organizationId))
    .orderBy(asc(users.name), asc(users.email));
  return rows.map(({ disabledAt, passwordHash, ...r }) => ({ ...r, status: userStatus({ disabledAt, passwordHash }) }));
}

/** Organizations on the beta plan with their contacts (the beta program's customers). */
export async function listBetaCustomers(): Promise<(OrganizationRow & { contacts: ContactRow[] })[]> {
  const orgs = await listOrganizations({ plan: "beta" });
  const result = [];
  for (const org of orgs) result.push({ ...org, contacts: await listContacts(org.id) });
  return result;
}

async function domainTaken(tx: Executor, domain: string, exceptId?: string): Promise<boolean> {
  const [row] = await tx
    .select({ n: count() })
    .from(organizations)
    .where(exceptId ? and(eq(organizations.domain, domain), ne(organizations.id, exceptId)) : eq(organizations.domain, domain));
  return Number(row?.n ?? 0) > 0;
}

const DOMAIN_TAKEN = "Another organization already uses this domain.";

function isUniqueViolation(error: unknown): boolean {
  for (let e = error as { code?: string; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (e.code === "23505") return true;
  }
  return false;
}

/** Creates an organization; a domain already in use is refused as a field error. */
export async function createOrganization(actor: { id: string }, input: OrganizationInput, ip: string | null) {
  try {
    return await db().transaction(async (tx) => {
      if (input.domain && (await domainTaken(tx, input.domain))) throw new OrganizationError(DOMAIN_TAKEN, "domain");
      const [org] = await tx
        .insert(organizations)
        .values({ ...input, createdAt: now(), updatedAt: now() })
        .returning();
      await audit(tx, {
        actorId: actor.id,
        action: "organization.created",
        targetType: "organization",
        targetId: org!.id,
        ip,
        data: { ...input },
      });
      return org!;
    });
  } catch (error) {
    // Two admins creating the same domain at once: the unique index decides.
    if (isUniqueViolation(error)) throw new OrganizationError(DOMAIN_TAKEN, "domain");
    throw error;
  }
}

/** Updates an organization; the audit row records what changed. */
export async function updateOrganization(actor: { id: string }, id: string, input: OrganizationInput, ip: string | null) {
  try {
    return await db().transaction(async (tx) => {
      const [before] = await tx.select().from(organizations).where(eq(organizations.id, id)).for("update");
      if (!before) throw new OrganizationError("That organization does not exist.");
      if (input.domain && (await domainTaken(tx, input.domain, id))) throw new OrganizationError(DOMAIN_TAKEN, "domain");
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      for (const key of ["name", "domain", "plan", "shareTickets"] as const) {
        if (before[key] !== input[key]) changes[key] = { from: before[key], to: input[key] };
      }
      const [org] = await tx
        .update(organizations)
        .set({ ...input, updatedAt: now() })
        .where(eq(organizations.id, id))
        .returning();
      if (Object.keys(changes).length > 0) {
        await audit(tx, { actorId: actor.id, action: "organization.updated", targetType: "organization", targetId: id, ip, data: changes });
      }
      return { organization: org!, changed: Object.keys(changes) };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new OrganizationError(DOMAIN_TAKEN, "domain");
    throw error;
  }
}

/**
 * Invites a customer contact into an organization. An address that belongs to staff or to a
 * contact of another organization is refused rather than moved (agents may invite contacts,
 * but must not turn a pending staff invitation into a customer, or move people between
 * companies). Re-inviting a pending contact of this organization sends a fresh link.
 */
export async function inviteContact(
  actor: { id: string; name: string },
  organizationId: string,
  input: { email: string; name?: string },
  ip: string | null,
): Promise<{ userId: string }> {
  const email = normalizeEmail(input.email);
  return db().transaction(async (tx) => {
    const [existing] = await tx
      .select({ role: users.role, organizationId: users.organizationId, passwordHash: users.passwordHash })
      .from(users)
      .where(eq(users.email, email))
      .limit(1);
    if (existing && existing.role !== "customer") throw new AccountError("This email belongs to a staff account.", "email");
    if (existing && existing.organizationId !== organizationId) {
      throw new AccountError("This email belongs to a contact of another organization.", "email");
    }
    if (existing?.passwordHash) throw new AccountError("This person already has an account in this organization.", "email");
    return invite(tx, { email, name: input.name, role: "customer", organizationId, invitedBy: actor, ip });
  });
}

/** A customer's home: their organization and, when it shares tickets, their colleagues. */
export async function customerHome(user: { id: string; organizationId: string | null }) {
  const [me] = await db()
    .select({
      name: users.name,
      email: users.email,
      createdAt: users.createdAt,
      lastSignInAt: users.lastSignInAt,
      timeZone: users.timeZone,
    })
    .from(users)
    .where(eq(users.id, user.id));
  const organization = user.organizationId ? await getOrganization(user.organizationId) : null;
  let colleagues: ContactRow[] = [];
  if (organization?.shareTickets) {
    colleagues = (await listContacts(organization.id)).filter((c) => c.id !== user.id && c.status === "active");
  }
  return {
    me: me!,
    organization: organization ? { name: organization.name, plan: organization.plan, shareTickets: organization.shareTickets } : null,
    colleagues: colleagues.map(({ id, name, email }) => ({ id, name, email })),
  };
}

/** Whether a customer's organization is on the beta plan (beta customers get the Feedback page). */
export async function isBetaCustomer(organizationId: string | null): Promise<boolean> {
  if (!organizationId) return false;
  const [org] = await db().select({ plan: organizations.plan }).from(organizations).where(eq(organizations.id, organizationId));
  return org?.plan === "beta";
}
