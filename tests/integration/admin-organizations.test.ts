import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditEvents, emailOutbox, organizations, users } from "../../db/schema";
import { db } from "~/lib/db.server";
import { action as listAction, loader as listLoader } from "~/routes/admin/organizations";
import { action as orgAction, loader as orgLoader } from "~/routes/admin/organization";
import { createInvitation, createOrganization, createUser } from "../support/factories";
import { call, getRequest, postForm, signInAs, type SignedIn } from "../support/requests";

type Failure = { ok: false; fieldErrors: Record<string, string>; formError?: string; values: Record<string, string> };
type OrgRow = { id: string; name: string; domain: string | null; plan: string; shareTickets: boolean; memberCount: number };

let admin: SignedIn;
let agent: SignedIn;
let sales: SignedIn;
let customer: SignedIn;
let acmeId: string;
const UNKNOWN = "00000000-0000-4000-8000-000000000000";

beforeAll(async () => {
  const acme = await createOrganization(db(), { name: "Acme Corp", domain: "acme-corp.test", plan: "enterprise", shareTickets: true });
  acmeId = acme.id;
  admin = await signInAs(await createUser(db(), { email: "admin@staff.test", name: "Ada Admin", role: "admin" }));
  agent = await signInAs(await createUser(db(), { email: "agent@staff.test", name: "Sam Agent", role: "agent" }));
  sales = await signInAs(await createUser(db(), { email: "sales@staff.test", name: "Morgan Sales", role: "sales" }));
  customer = await signInAs(await createUser(db(), { email: "alice@acme-corp.test", name: "Alice", organizationId: acme.id }));
  await createInvitation(db(), { email: "bob@acme-corp.test", name: "Bob", organizationId: acme.id });
});

async function auditFor(action: string, targetId: string) {
  return db()
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.action, action), eq(auditEvents.targetId, targetId)));
}

describe("/admin/organizations", () => {
  it("lists organizations with plan, domain, member count and the sharing setting", async () => {
    const res = await call(listLoader, getRequest("/admin/organizations", admin));
    expect(res.status).toBe(200);
    const data = res.data as { canManage: boolean; organizations: OrgRow[] };
    expect(data.canManage).toBe(true);
    expect(data.organizations.find((o) => o.id === acmeId)).toMatchObject({
      name: "Acme Corp",
      domain: "acme-corp.test",
      plan: "enterprise",
      shareTickets: true,
      memberCount: 2,
    });
  });

  it("lets agents and sales read the list without managing it", async () => {
    for (const who of [agent, sales]) {
      const res = await call(listLoader, getRequest("/admin/organizations", who));
      expect(res.status).toBe(200);
      expect((res.data as { canManage: boolean }).canManage).toBe(false);
    }
  });

  it("refuses a customer with 403 and redirects a signed-out visitor", async () => {
    expect((await call(listLoader, getRequest("/admin/organizations", customer))).status).toBe(403);
    const anon = await call(listLoader, getRequest("/admin/organizations"));
    expect(anon.status).toBe(302);
    expect(anon.location).toBe("/login?redirectTo=%2Fadmin%2Forganizations");
  });

  it("creates an organization with a lower-cased domain and audits it", async () => {
    const res = await call(
      listAction,
      postForm("/admin/organizations", { name: "  Initrode ", domain: " Initrode.EXAMPLE ", plan: "beta", shareTickets: "on" }, admin),
    );
    expect(res.status).toBe(200);
    const { id, message } = res.data as { id: string; message: string };
    expect(message).toBe("Initrode was created.");
    const [row] = await db().select().from(organizations).where(eq(organizations.id, id));
    expect(row).toMatchObject({ name: "Initrode", domain: "initrode.example", plan: "beta", shareTickets: true });
    const [event] = await auditFor("organization.created", id);
    expect(event).toMatchObject({ actorId: admin.user.id, targetType: "organization" });
  });

  it("allows an organization without a domain and with sharing off", async () => {
    const res = await call(listAction, postForm("/admin/organizations", { name: "No Domain Ltd", domain: "", plan: "standard" }, admin));
    expect(res.status).toBe(200);
    const [row] = await db().select().from(organizations).where(eq(organizations.id, (res.data as { id: string }).id));
    expect(row).toMatchObject({ domain: null, shareTickets: false });
  });

  it("shows a domain already in use as a field error and keeps the input", async () => {
    const res = await call(
      listAction,
      postForm("/admin/organizations", { name: "Acme Clone", domain: "ACME-CORP.test", plan: "standard", shareTickets: "on" }, admin),
    );
    expect(res.status).toBe(400);
    const failure = res.data as Failure;
    expect(failure.fieldErrors.domain).toBe("Another organization already uses this domain.");
    expect(failure.values).toMatchObject({ name: "Acme Clone", domain: "ACME-CORP.test", plan: "standard", shareTickets: "on" });
    expect(await db().select().from(organizations).where(eq(organizations.name, "Acme Clone"))).toHaveLength(0);
  });

  it.each([["https://acme.test"], ["user@acme.test"], ["no-dot"], ["bad_domain.test"], ["-lead.test"]])(
    "refuses %s as a domain",
    async (domain) => {
      const res = await call(listAction, postForm("/admin/organizations", { name: "Bad", domain, plan: "standard" }, admin));
      expect(res.status).toBe(400);
      expect((res.data as Failure).fieldErrors.domain).toMatch(/Enter a domain/);
    },
  );

  it("requires a name and a known plan", async () => {
    const res = await call(listAction, postForm("/admin/organizations", { name: " ", domain: "", plan: "gold" }, admin));
    expect(res.status).toBe(400);
    const failure = res.data as Failure;
    expect(failure.fieldErrors.name).toBe("Enter the organization's name.");
    expect(failure.fieldErrors.plan).toBe("Choose a plan.");
  });

  it.each([
    ["agent", () => agent],
    ["sales", () => sales],
    ["customer", () => customer],
  ])("refuses creation by a %s with 403", async (role, who) => {
    const res = await call(listAction, postForm("/admin/organizations", { name: `By ${role}`, domain: "", plan: "standard" }, who()));
    expect(res.status).toBe(403);
    expect(await db().select().from(organizations).where(eq(organizations.name, `By ${role}`))).toHaveLength(0);
  });

  it("redirects a signed-out POST", async () => {
    const res = await call(listAction, postForm("/admin/organizations", { name: "Anon", plan: "standard" }));
    expect(res.status).toBe(302);
  });
});

describe("/admin/organizations/:id", () => {
  it("shows the organization and its contacts with their status", async () => {
    const res = await call(orgLoader, getRequest(`/admin/organizations/${acmeId}`, admin), { id: acmeId });
    expect(res.status).toBe(200);
    const data = res.data as { canManage: boolean; canInvite: boolean; organization: OrgRow; contacts: { email: string; status: string }[] };
    expect(data).toMatchObject({ canManage: true, canInvite: true, organization: { name: "Acme Corp", plan: "enterprise" } });
    expect(data.contacts.map((c) => [c.email, c.status])).toEqual([
      ["alice@acme-corp.test", "active"],
      ["bob@acme-corp.test", "invited"],
    ]);
  });

  it("lets an agent read it and invite, but not edit; sales read only", async () => {
    const asAgent = await call(orgLoader, getRequest(`/admin/organizations/${acmeId}`, agent), { id: acmeId });
    expect(asAgent.data).toMatchObject({ canManage: false, canInvite: true });
    const asSales = await call(orgLoader, getRequest(`/admin/organizations/${acmeId}`, sales), { id: acmeId });
    expect(asSales.data).toMatchObject({ canManage: false, canInvite: false });
  });

  it("answers 404 for an unknown or malformed id", async () => {
    expect((await call(orgLoader, getRequest(`/admin/organizations/${UNKNOWN}`, admin), { id: UNKNOWN })).status).toBe(404);
    expect((await call(orgLoader, getRequest("/admin/organizations/nope", admin), { id: "nope" })).status).toBe(404);
    const post = await call(orgAction, postForm(`/admin/organizations/${UNKNOWN}`, { intent: "invite-contact", email: "x@y.test" }, agent), {
      id: UNKNOWN,
    });
    expect(post.status).toBe(404);
  });

  it("refuses a customer with 403 (loader and action) and redirects a signed-out visitor", async () => {
    expect((await call(orgLoader, getRequest(`/admin/organizations/${acmeId}`, customer), { id: acmeId })).status).toBe(403);
    const invite = await call(
      orgAction,
      postForm(`/admin/organizations/${acmeId}`, { intent: "invite-contact", email: "friend@acme-corp.test" }, customer),
      { id: acmeId },
    );
    expect(invite.status).toBe(403);
    const anon = await call(orgLoader, getRequest(`/admin/organizations/${acmeId}`), { id: acmeId });
    expect(anon.status).toBe(302);
    expect(anon.location).toBe(`/login?redirectTo=${encodeURIComponent(`/admin/organizations/${acmeId}`)}`);
  });

  it("updates the organization and audits what changed", async () => {
    const org = await createOrganization(db(), { name: "Hooli", domain: "hooli.test", plan: "standard" });
    const res = await call(
      orgAction,
      postForm(`/admin/organizations/${org.id}`, { intent: "update", name: "Hooli XYZ", domain: "hooli.test", plan: "enterprise", shareTickets: "on" }, admin),
      { id: org.id },
    );
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({ ok: true, message: "Hooli XYZ was saved." });
    const [row] = await db().select().from(organizations).where(eq(organizations.id, org.id));
    expect(row).toMatchObject({ name: "Hooli XYZ", plan: "enterprise", shareTickets: true });
    const [event] = await auditFor("organization.updated", org.id);
    expect(event!.data).toEqual({
      name: { from: "Hooli", to: "Hooli XYZ" },
      plan: { from: "standard", to: "enterprise" },
      shareTickets: { from: false, to: true },
    });
  });

  it("shows another organization's domain as a field error on edit", async () => {
    const org = await createOrganization(db(), { name: "Pied Piper", domain: "piedpiper.test" });
    const res = await call(
      orgAction,
      postForm(`/admin/organizations/${org.id}`, { intent: "update", name: "Pied Piper", domain: "acme-corp.test", plan: "standard" }, admin),
      { id: org.id },
    );
    expect(res.status).toBe(400);
    expect((res.data as Failure).fieldErrors.domain).toBe("Another organization already uses this domain.");
    expect((res.data as Failure).values.intent).toBe("update");
    const [row] = await db().select().from(organizations).where(eq(organizations.id, org.id));
    expect(row!.domain).toBe("piedpiper.test");
  });

  it.each([
    ["agent", () => agent],
    ["sales", () => sales],
  ])("refuses an edit by a %s with 403", async (_role, who) => {
    const res = await call(
      orgAction,
      postForm(`/admin/organizations/${acmeId}`, { intent: "update", name: "Hijacked", domain: "", plan: "beta" }, who()),
      { id: acmeId },
    );
    expect(res.status).toBe(403);
    const [row] = await db().select().from(organizations).where(eq(organizations.id, acmeId));
    expect(row!.name).toBe("Acme Corp");
  });

  it("lets an agent invite a customer contact into the organization", async () => {
    const res = await call(
      orgAction,
      postForm(`/admin/organizations/${acmeId}`, { intent: "invite-contact", email: "Carla@Acme-Corp.test", name: "Carla" }, agent),
      { id: acmeId },
    );
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({ ok: true, message: "Invitation sent to carla@acme-corp.test." });
    const [row] = await db().select().from(users).where(eq(users.email, "carla@acme-corp.test"));
    expect(row).toMatchObject({ role: "customer", organizationId: acmeId, passwordHash: null, name: "Carla" });
    const [event] = await auditFor("user.invited", row!.id);
    expect(event).toMatchObject({ actorId: agent.user.id, data: { role: "customer", organizationId: acmeId } });
    expect(await db().select().from(emailOutbox).where(eq(emailOutbox.toAddress, "carla@acme-corp.test"))).toHaveLength(1);

    // Re-inviting a pending contact sends a fresh link.
    const again = await call(orgAction, postForm(`/admin/organizations/${acmeId}`, { intent: "invite-contact", email: "carla@acme-corp.test" }, admin), {
      id: acmeId,
    });
    expect(again.status).toBe(200);
  });

  it("refuses staff emails, other organizations' contacts and existing accounts as field errors", async () => {
    const other = await createOrganization(db(), { name: "Other" });
    await createUser(db(), { email: "dora@other.test", organizationId: other.id, password: null });
    const cases: [string, RegExp][] = [
      ["agent@staff.test", /staff account/],
      ["dora@other.test", /another organization/],
      ["alice@acme-corp.test", /already has an account/],
      ["not an email", /valid email/],
    ];
    for (const [email, message] of cases) {
      const res = await call(orgAction, postForm(`/admin/organizations/${acmeId}`, { intent: "invite-contact", email, name: "Kept" }, agent), {
        id: acmeId,
      });
      expect(res.status).toBe(400);
      expect((res.data as Failure).fieldErrors.email).toMatch(message);
      expect((res.data as Failure).values).toMatchObject({ intent: "invite-contact", email, name: "Kept" });
    }
    const [dora] = await db().select().from(users).where(eq(users.email, "dora@other.test"));
    expect(dora!.organizationId).toBe(other.id);
    const [staff] = await db().select().from(users).where(eq(users.email, "agent@staff.test"));
    expect(staff!.role).toBe("agent");
  });

  it("refuses contact invitations by sales with 403", async () => {
    const res = await call(
      orgAction,
      postForm(`/admin/organizations/${acmeId}`, { intent: "invite-contact", email: "by-sales@acme-corp.test" }, sales),
      { id: acmeId },
    );
    expect(res.status).toBe(403);
    expect(await db().select().from(users).where(eq(users.email, "by-sales@acme-corp.test"))).toHaveLength(0);
  });

  it("answers 400 for an unknown intent", async () => {
    const res = await call(orgAction, postForm(`/admin/organizations/${acmeId}`, { intent: "delete" }, admin), { id: acmeId });
    expect(res.status).toBe(400);
  });
});
