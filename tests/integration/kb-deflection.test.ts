import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { kbDeflectionEvents, ticketMessages, tickets } from "../../db/schema";
import { db } from "~/lib/db.server";
import { checkFirstSuggestions } from "~/modules/kb/deflection.server";
import { loader as editLoader } from "~/routes/desk/kb/edit";
import { createKbArticle } from "../../db/seed/kb";
import { createOrganization, createUser } from "../support/factories";
import { call, getRequest, signInAs, type SignedIn } from "../support/requests";

let customer: { id: string; role: "customer" };
let agent: SignedIn;
let ticketId: string;
let replyId: string;
let noteId: string;

beforeAll(async () => {
  const org = await createOrganization(db());
  const user = await createUser(db(), { role: "customer", organizationId: org.id });
  customer = { id: user.id, role: "customer" };
  agent = await signInAs(await createUser(db(), { role: "agent", name: "Sam" }));
  await createKbArticle(db(), { slug: "rotate-keys", title: "Rotate ingest keys", body: "Create a new key, then revoke the old one." });
  await createKbArticle(db(), { slug: "internal-keys", title: "Key incident runbook", body: "Internal.", visibility: "internal" });
  const [ticket] = await db().insert(tickets).values({ organizationId: org.id, requesterId: user.id, subject: "How do I rotate a key?" }).returning();
  ticketId = ticket!.id;
  const [reply] = await db().insert(ticketMessages).values({ ticketId, authorId: agent.user.id, visibility: "public", body: "Create a new key under **Settings**, deploy it, then revoke the old one." }).returning();
  const [note] = await db().insert(ticketMessages).values({ ticketId, authorId: agent.user.id, visibility: "internal", body: "Customer is on the old agent." }).returning();
  replyId = reply!.id;
  noteId = note!.id;
});

describe("the ticket form's 'check these first' step (no JavaScript)", () => {
  it("answers readable suggestions once and records them as shown", async () => {
    const suggestions = await checkFirstSuggestions(customer, { subject: "Rotate my ingest key", description: "how to revoke a key" });
    expect(suggestions!.map((s) => s.slug)).toEqual(["rotate-keys"]);
    const events = await db().select().from(kbDeflectionEvents).where(eq(kbDeflectionEvents.visitorKey, `u:${customer.id}`));
    expect(events.map((e) => e.kind)).toEqual(["suggested"]);
  });

  it("lets the ticket through when the reader saw them, or nothing matches", async () => {
    const seen = new FormData();
    seen.set("kbCheckedFirst", "1");
    expect(await checkFirstSuggestions(customer, { subject: "Rotate my ingest key", description: "", form: seen })).toBeNull();
    const live = new FormData();
    live.set("kbSuggestionsSeen", "1");
    expect(await checkFirstSuggestions(customer, { subject: "Rotate my ingest key", description: "", form: live })).toBeNull();
    expect(await checkFirstSuggestions(customer, { subject: "Zebra", description: "quokka" })).toBeNull();
  });
});

describe("turning a reply into a draft article", () => {
  it("prefills the new-article form from a public reply, never from an internal note", async () => {
    const res = await call(editLoader, getRequest(`/desk/kb/new?fromMessage=${replyId}`, agent));
    expect(res.data).toMatchObject({ prefillTitle: "How do I rotate a key?", prefillBody: "Create a new key under **Settings**, deploy it, then revoke the old one." });
    const note = await call(editLoader, getRequest(`/desk/kb/new?fromMessage=${noteId}`, agent));
    expect(note.data).toMatchObject({ prefillTitle: "", prefillBody: "" });
    const junk = await call(editLoader, getRequest(`/desk/kb/new?fromMessage=not-a-uuid`, agent));
    expect(junk.status).toBe(200);
    expect(ticketId).toBeTruthy();
  });
});
