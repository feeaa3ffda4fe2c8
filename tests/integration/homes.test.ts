import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { users } from "../../db/schema";
import { db } from "~/lib/db.server";
import { adminNavigation, navigationFor } from "~/components/navigation";
import { loader as rootLoader } from "~/root";
import { loader as deskLoader } from "~/routes/desk/home";
import { loader as betaLoader } from "~/routes/beta/home";
import { loader as portalLoader } from "~/routes/portal/home";
import { homePathFor, type Role } from "~/modules/auth/permissions";
import { createInvitation, createOrganization, createUser } from "../support/factories";
import { call, getRequest, signInAs, type SignedIn } from "../support/requests";

let admin: SignedIn;
let agent: SignedIn;
let sales: SignedIn;
let alice: SignedIn;
let carol: SignedIn;
let ids: { shared: string; beta: string; plain: string };

beforeAll(async () => {
  const shared = await createOrganization(db(), { name: "Shared Co", domain: "shared.test", plan: "enterprise", shareTickets: true });
  const beta = await createOrganization(db(), { name: "Beta Works", domain: "betaworks.test", plan: "beta" });
  const plain = await createOrganization(db(), { name: "Plain Inc", domain: null, plan: "standard" });
  ids = { shared: shared.id, beta: beta.id, plain: plain.id };
  admin = await signInAs(await createUser(db(), { email: "admin@staff.test", role: "admin" }));
  agent = await signInAs(await createUser(db(), { email: "agent@staff.test", role: "agent" }));
  sales = await signInAs(await createUser(db(), { email: "sales@staff.test", role: "sales" }));
  alice = await signInAs(await createUser(db(), { email: "alice@shared.test", name: "Alice", organizationId: shared.id }));
  await createUser(db(), { email: "bob@shared.test", name: "Bob", organizationId: shared.id });
  await createInvitation(db(), { email: "pat@shared.test", name: "Pat", organizationId: shared.id });
  await createUser(db(), { email: "zed@shared.test", name: "Zed", organizationId: shared.id, disabledAt: new Date() });
  carol = await signInAs(await createUser(db(), { email: "carol@betaworks.test", name: "Carol", organizationId: beta.id }));
  await db().update(users).set({ lastSignInAt: new Date("2026-03-01T09:30:00Z") }).where(eq(users.email, "carol@betaworks.test"));
  await createUser(db(), { email: "dan@betaworks.test", name: "Dan", organizationId: beta.id });
});

type DeskOrg = { id: string; name: string; plan: string; domain: string | null; contacts: number };

describe("/desk/customers (the agents' customer directory)", () => {
  it("lists every organization with plan, domain and contact count for agents and admins", async () => {
    for (const who of [agent, admin]) {
      const res = await call(deskLoader, getRequest("/desk/customers", who));
      expect(res.status).toBe(200);
      const data = res.data as { canInvite: boolean; organizations: DeskOrg[] };
      expect(data.canInvite).toBe(true);
      expect(data.organizations).toEqual([
        { id: ids.beta, name: "Beta Works", plan: "beta", domain: "betaworks.test", contacts: 2 },
        { id: ids.plain, name: "Plain Inc", plan: "standard", domain: null, contacts: 0 },
        { id: ids.shared, name: "Shared Co", plan: "enterprise", domain: "shared.test", contacts: 4 },
      ]);
    }
  });

  it("refuses sales and customers with 403 and redirects signed-out visitors", async () => {
    expect((await call(deskLoader, getRequest("/desk/customers", sales))).status).toBe(403);
    expect((await call(deskLoader, getRequest("/desk/customers", alice))).status).toBe(403);
    const anon = await call(deskLoader, getRequest("/desk/customers"));
    expect(anon.status).toBe(302);
    expect(anon.location).toBe("/login?redirectTo=%2Fdesk%2Fcustomers");
  });
});

describe("/beta (the beta program's customers)", () => {
  it("lists the beta-plan organizations with contacts and their last sign-in", async () => {
    for (const who of [sales, admin]) {
      const res = await call(betaLoader, getRequest("/beta", who));
      expect(res.status).toBe(200);
      const data = res.data as { organizations: { id: string; name: string; contacts: { email: string; status: string; lastSignIn: string | null }[] }[] };
      expect(data.organizations.map((o) => o.name)).toEqual(["Beta Works"]);
      expect(data.organizations[0]!.contacts).toEqual([
        expect.objectContaining({ email: "carol@betaworks.test", status: "active", lastSignIn: "1 Mar 2026, 09:30 UTC" }),
        expect.objectContaining({ email: "dan@betaworks.test", status: "active", lastSignIn: null }),
      ]);
    }
  });

  it("refuses agents and customers with 403 and redirects signed-out visitors", async () => {
    expect((await call(betaLoader, getRequest("/beta", agent))).status).toBe(403);
    expect((await call(betaLoader, getRequest("/beta", carol))).status).toBe(403);
    const anon = await call(betaLoader, getRequest("/beta"));
    expect(anon.status).toBe(302);
    expect(anon.location).toBe("/login?redirectTo=%2Fbeta");
  });
});

describe("/portal/organization (the customer's organization and account)", () => {
  it("shows the organization, the account and active colleagues when tickets are shared", async () => {
    const res = await call(portalLoader, getRequest("/portal/organization", alice));
    expect(res.status).toBe(200);
    const data = res.data as { me: { email: string }; organization: { name: string; plan: string; shareTickets: boolean }; colleagues: { name: string }[] };
    expect(data.me.email).toBe("alice@shared.test");
    expect(data.organization).toEqual({ name: "Shared Co", plan: "enterprise", shareTickets: true });
    // Not herself, not the pending invitation, not the disabled account.
    expect(data.colleagues.map((c) => c.name)).toEqual(["Bob"]);
  });

  it("shows no colleagues when the organization does not share tickets", async () => {
    const res = await call(portalLoader, getRequest("/portal/organization", carol));
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({ organization: { name: "Beta Works", plan: "beta", shareTickets: false }, colleagues: [] });
  });

  it("refuses staff with 403 and redirects signed-out visitors", async () => {
    for (const who of [admin, agent, sales]) expect((await call(portalLoader, getRequest("/portal/organization", who))).status).toBe(403);
    const anon = await call(portalLoader, getRequest("/portal/organization"));
    expect(anon.status).toBe(302);
    expect(anon.location).toBe("/login?redirectTo=%2Fportal%2Forganization");
  });
});

describe("navigation fitted to each role", () => {
  it("gives each role its own links, home first", () => {
    const labels = (role: Role) => navigationFor(role).map((i) => i.label);
    // Other areas add their own links (Help, Knowledge base); these are the ones this area owns.
    expect(labels("customer")).toEqual(expect.arrayContaining(["Support", "My organization"]));
    expect(labels("agent")).toEqual(expect.arrayContaining(["Desk", "Customers"]));
    expect(labels("sales")).toEqual(expect.arrayContaining(["Beta program", "Organizations"]));
    const admin = labels("admin");
    expect(admin.slice(0, 2)).toEqual(["Admin", "Desk"]);
    expect(adminNavigation.map((i) => i.label)).toEqual(["Users", "Organizations", "Groups", "Macros", "SLA", "Mailbox", "Audit log", "Slack", "Webhooks"]);
    expect(navigationFor("customer", { betaCustomer: true }).map((i) => i.label)).toContain("Feedback");
    expect(admin).toContain("Beta program");
    for (const role of ["customer", "agent", "sales"] as const) {
      expect(labels(role)).not.toContain("Admin");
      expect(labels(role)).not.toContain("Mailbox");
    }
    expect(labels("customer")).not.toContain("Organizations");
    expect(navigationFor(null)).toEqual([]);
    for (const role of ["customer", "agent", "sales", "admin"] as const) expect(navigationFor(role)[0]!.to).toBe(homePathFor(role));
  });

  it("is what the root loader hands the layout", async () => {
    const res = await call(rootLoader, getRequest("/desk/customers", agent));
    expect((res.data as { navigation: unknown }).navigation).toEqual(navigationFor("agent"));
  });
});
