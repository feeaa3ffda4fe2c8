import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { emailOutbox, feedbackItems, feedbackVotes } from "../../db/schema";
import { db } from "~/lib/db.server";
import { action as portalAction, loader as portalLoader } from "~/routes/portal/feedback";
import { action as staffAction, loader as staffLoader } from "~/routes/beta/feedback";
import { createTicketAsCustomer } from "~/modules/tickets/tickets.server";
import { createOrganization, createUser } from "../support/factories";
import { call, getRequest, postForm, signInAs, type SignedIn } from "../support/requests";

let carol: SignedIn, dan: SignedIn, ivy: SignedIn, alice: SignedIn, agent: SignedIn, sales: SignedIn;

type CustomerView = { beta: boolean; own: { id: string; title: string; votes: number; body: string }[]; others: { id: string; title: string; votes: number; voted: boolean }[] };

beforeAll(async () => {
  const globex = await createOrganization(db(), { name: "Globex", plan: "beta" });
  const initech = await createOrganization(db(), { name: "Initech", plan: "beta" });
  const acme = await createOrganization(db(), { name: "Acme", plan: "enterprise" });
  carol = await signInAs(await createUser(db(), { role: "customer", organizationId: globex.id, name: "Carol", email: "carol@globex.example" }));
  dan = await signInAs(await createUser(db(), { role: "customer", organizationId: globex.id, name: "Dan" }));
  ivy = await signInAs(await createUser(db(), { role: "customer", organizationId: initech.id, name: "Ivy", email: "ivy@initech.example" }));
  alice = await signInAs(await createUser(db(), { role: "customer", organizationId: acme.id, name: "Alice" }));
  agent = await signInAs(await createUser(db(), { role: "agent", name: "Sam" }));
  sales = await signInAs(await createUser(db(), { role: "sales", name: "Morgan" }));
});

async function submit(as: SignedIn, title: string) {
  const res = await call(portalAction, postForm("/portal/feedback", { intent: "submit", kind: "feature_request", title, body: `${title}, please.` }, as));
  expect(res.status).toBe(302);
  const [item] = await db().select().from(feedbackItems).where(eq(feedbackItems.title, title));
  return item!;
}

describe("beta feedback", () => {
  it("lets beta customers submit; others see an explanation and cannot post", async () => {
    await submit(carol, "Dark mode");
    const view = (await call(portalLoader, getRequest("/portal/feedback", alice))).data as CustomerView;
    expect(view.beta).toBe(false);
    const refused = await call(portalAction, postForm("/portal/feedback", { intent: "submit", kind: "feedback", title: "Hello", body: "x" }, alice));
    expect(refused.status).toBe(404);
    expect((await call(portalLoader, getRequest("/portal/feedback", agent))).status).toBe(403);
    const bad = await call(portalAction, postForm("/portal/feedback", { intent: "submit", kind: "feedback", title: "", body: "" }, carol));
    expect(bad.status).toBe(400);
  });

  it("shows customers only their organization's items, and other organizations' public requests without details", async () => {
    const secret = await submit(ivy, "Initech private wish");
    const listed = await submit(ivy, "Initech public wish");
    await db().update(feedbackItems).set({ isPublic: true }).where(eq(feedbackItems.id, listed.id));
    const view = (await call(portalLoader, getRequest("/portal/feedback", carol))).data as CustomerView;
    expect(view.own.map((i) => i.title)).toContain("Dark mode");
    expect(view.own.map((i) => i.id)).not.toContain(secret.id);
    expect(view.others.map((i) => i.title)).toEqual(["Initech public wish"]);
    expect(view.others[0]).not.toHaveProperty("body");
    // Voting for a private item of another organization is refused as if it did not exist.
    expect((await call(portalAction, postForm("/portal/feedback", { intent: "vote", id: secret.id }, carol))).status).toBe(404);
  });

  it("counts one vote per organization", async () => {
    const [item] = await db().select().from(feedbackItems).where(eq(feedbackItems.title, "Initech public wish"));
    const first = await call(portalAction, postForm("/portal/feedback", { intent: "vote", id: item!.id }, carol));
    expect(first.location).toContain("voted=1");
    const second = await call(portalAction, postForm("/portal/feedback", { intent: "vote", id: item!.id }, dan));
    expect(second.location).toContain("already=1");
    const votes = await db().select().from(feedbackVotes).where(eq(feedbackVotes.feedbackItemId, item!.id));
    expect(votes.length).toBe(2); // Initech (submitter) + Globex
  });

  it("emails the submitter and voters once when an item ships", async () => {
    const [item] = await db().select().from(feedbackItems).where(eq(feedbackItems.title, "Initech public wish"));
    const form = { intent: "update", id: item!.id, status: "shipped", isPublic: "on" };
    expect((await call(staffAction, postForm("/beta/feedback", form, sales))).status).toBe(302);
    expect((await call(staffAction, postForm("/beta/feedback", form, sales))).status).toBe(302);
    const mails = await db().select().from(emailOutbox).where(eq(emailOutbox.template, "beta_feedback_shipped"));
    expect(mails.map((m) => m.toAddress).sort()).toEqual(["carol@globex.example", "ivy@initech.example"]);
    expect(mails[0]!.subject).toBe("Shipped: Initech public wish");
    expect((await call(staffAction, postForm("/beta/feedback", form, carol))).status).toBe(403);
  });

  it("lets an agent promote a ticket to a feedback item once", async () => {
    const { number } = await createTicketAsCustomer(carol.user, { subject: "Please add SSO", description: "We need SAML.", priority: "normal", category: "Feature request", idempotencyKey: randomUUID(), files: [] });
    const res = await call(staffAction, postForm("/beta/feedback", { intent: "promote", ticketNumber: String(number) }, agent));
    expect(res.location).toContain(`promoted=${number}`);
    const again = await call(staffAction, postForm("/beta/feedback", { intent: "promote", ticketNumber: String(number) }, agent));
    expect(again.location).toContain(`exists=${number}`);
    const items = await db().select().from(feedbackItems).where(eq(feedbackItems.title, "Please add SSO"));
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: "feature_request", body: "We need SAML." });
    expect((await call(staffAction, postForm("/beta/feedback", { intent: "promote", ticketNumber: "999999" }, agent))).status).toBe(404);
    expect((await call(staffLoader, getRequest("/beta/feedback", agent))).status).toBe(200);
    expect((await call(staffLoader, getRequest("/beta/feedback", alice))).status).toBe(403);
  });
});
