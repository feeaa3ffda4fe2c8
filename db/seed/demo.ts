import type { Database } from "../client";
import { createInvitation, createOrganization, createUser } from "./factories";
import { seedBeta } from "./beta";
import { seedBetaGoals } from "./beta-goals";
import { seedKnowledgeBase } from "./kb";
import { seedKbTranslations } from "./kb-translations";
import { seedSla } from "./sla";
import { seedTickets } from "./tickets";

export const DEMO_PASSWORD = "demo-password-2026";

export const demoAccounts = [
  { email: "admin@demo.test", name: "Ada Admin", role: "admin" },
  { email: "agent@demo.test", name: "Sam Agent", role: "agent" },
  { email: "agent2@demo.test", name: "Riley Agent", role: "agent" },
  { email: "sales@demo.test", name: "Morgan Sales", role: "sales" },
  { email: "alice@acme.test", name: "Alice Anders", role: "customer", org: "acme" },
  { email: "bob@acme.test", name: "Bob Brandt", role: "customer", org: "acme" },
  { email: "carol@globex.test", name: "Carol Chen", role: "customer", org: "globex" },
  { email: "dan@globex.test", name: "Dan Duarte", role: "customer", org: "globex" },
] as const;

/** Seeds the demo of DESIGN.md into an empty database (the caller checks it is empty). */
export async function seedDemo(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    const acme = await createOrganization(tx, { name: "Acme", domain: "acme.test", plan: "enterprise", shareTickets: true });
    const globex = await createOrganization(tx, { name: "Globex", domain: "globex.test", plan: "beta" });
    const initech = await createOrganization(tx, { name: "Initech", domain: "initech.test", plan: "standard" });
    const orgs = { acme: acme.id, globex: globex.id } as const;
    const ids: Record<string, string> = {};
    for (const account of demoAccounts) {
      const user = await createUser(tx, {
        email: account.email,
        name: account.name,
        role: account.role,
        organizationId: "org" in account ? orgs[account.org] : null,
        password: DEMO_PASSWORD,
      });
      ids[account.email.split("@")[0]!] = user.id;
    }
    // Beyond the accounts of DESIGN.md, so the admin screens show every status: a pending
    // invitation (Initech's first contact) and a disabled account (someone who left Globex).
    await createInvitation(tx, { email: "erin@initech.test", name: "Erin Ito", organizationId: initech.id });
    await createUser(tx, {
      email: "frank@globex.test",
      name: "Frank Fischer",
      role: "customer",
      organizationId: globex.id,
      password: DEMO_PASSWORD,
      disabledAt: new Date(),
    });
    await seedTickets(tx, {
      acme: acme.id,
      globex: globex.id,
      alice: ids.alice!,
      bob: ids.bob!,
      carol: ids.carol!,
      dan: ids.dan!,
      agent: ids.agent!,
      agent2: ids.agent2!,
      admin: ids.admin!,
    });
    await seedKnowledgeBase(tx, { authorId: ids.agent! });
    await seedKbTranslations(tx, { authorId: ids.agent! });
    await seedSla(tx, { notifyUserIds: [ids.agent!] });
    await seedBeta(tx, {
      salesUserId: ids.sales!,
      adminUserId: ids.admin!,
      globexOrganizationId: globex.id,
      globexContacts: [
        { userId: ids.carol!, name: "Carol Chen", email: "carol@globex.test" },
        { userId: ids.dan!, name: "Dan Duarte", email: "dan@globex.test" },
      ],
    });
    await seedBetaGoals(tx, { salesUserId: ids.sales!, adminUserId: ids.admin!, globexOrganizationId: globex.id });
  });
}
