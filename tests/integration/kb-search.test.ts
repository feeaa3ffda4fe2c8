import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { kbSearches } from "../../db/schema";
import { db } from "~/lib/db.server";
import { countMatches, didYouMean, hasTrigramExtension, logSearch, searchArticles, suggestArticles } from "~/modules/kb/search.server";
import { createKbArticle } from "../../db/seed/kb";
import { createUser } from "../support/factories";

let customer: { id: string; role: "customer" };
let agent: { id: string; role: "agent" };

beforeAll(async () => {
  customer = { id: (await createUser(db(), { role: "customer" })).id, role: "customer" };
  agent = { id: (await createUser(db(), { role: "agent" })).id, role: "agent" };
  await createKbArticle(db(), { slug: "body-hit", title: "Exporting your account data", body: "You can download invoices from the billing page. Invoices are PDF files." });
  await createKbArticle(db(), { slug: "title-hit", title: "Invoices and receipts", body: "Find everything about payment documents here." });
  await createKbArticle(db(), { slug: "webhook-retry", title: "Webhook delivery retries", body: "Failed webhook deliveries are retried with exponential backoff for a day." });
  await createKbArticle(db(), { slug: "webhook-signing", title: "Webhook signatures", body: "Verify the signature header with your endpoint secret. Delivery is fast." });
  await createKbArticle(db(), { slug: "customers-only", title: "Enterprise SAML setup", body: "Configure the identity provider.", visibility: "customers" });
  await createKbArticle(db(), { slug: "internal-only", title: "Escalation playbook SAML outage", body: "Page the on-call engineer.", visibility: "internal" });
  await createKbArticle(db(), { slug: "draft-saml", title: "SAML draft", body: "Not yet published.", status: "draft" });
  await createKbArticle(db(), {
    slug: "hostile",
    title: `<img src=x onerror=alert(1)> Hostile title`,
    body: `Payload <script>alert("xss")</script> hostile body text and more hostile words \u0002 injected \u0003 sentinels`,
  });
});

describe("help-center search", () => {
  it("ranks a title hit above a body hit", async () => {
    const result = await searchArticles(null, "invoices");
    expect(result.hits.map((h) => h.slug)).toEqual(["title-hit", "body-hit"]);
    expect(result.hits[0]!.rank).toBeGreaterThan(result.hits[1]!.rank);
    expect(result.total).toBe(2);
  });

  it("highlights matches in a snippet and escapes everything else", async () => {
    const [hit] = (await searchArticles(null, "download invoices")).hits.filter((h) => h.slug === "body-hit");
    expect(hit!.snippetHtml).toContain("<mark>download</mark>");
    expect(hit!.snippetHtml).toMatch(/<mark>Invoices<\/mark>/);
    const hostile = (await searchArticles(null, "hostile")).hits.find((h) => h.slug === "hostile")!;
    expect(hostile.snippetHtml).not.toContain("<script");
    expect(hostile.snippetHtml).toContain("&lt;script");
    expect(hostile.snippetHtml.replace(/<\/?mark>/g, "")).not.toMatch(/<[a-z/]/i);
    // Sentinels typed into a body never become markup.
    expect(hostile.snippetHtml.match(/<mark>/g)!.length).toBe(hostile.snippetHtml.match(/<\/mark>/g)!.length);
    // The title is data: the route renders it as text.
    expect(hostile.title).toBe("<img src=x onerror=alert(1)> Hostile title");
  });

  it("supports websearch syntax: quoted phrases and -exclusions", async () => {
    expect((await searchArticles(null, "webhook")).hits.map((h) => h.slug).sort()).toEqual(["webhook-retry", "webhook-signing"]);
    expect((await searchArticles(null, "webhook -signature")).hits.map((h) => h.slug)).toEqual(["webhook-retry"]);
    expect((await searchArticles(null, '"exponential backoff"')).hits.map((h) => h.slug)).toEqual(["webhook-retry"]);
    expect((await searchArticles(null, '"backoff exponential"')).hits).toEqual([]);
    expect((await searchArticles(null, "retries or signatures")).total).toBe(2);
  });

  it("survives hostile and malformed queries", async () => {
    for (const q of [`"unbalanced`, "-", "!!! & | ()", "' or 1=1 --", "<script>alert(1)</script>", "\u0000\u0002", "a".repeat(5000)]) {
      const result = await searchArticles(null, q);
      expect(Array.isArray(result.hits)).toBe(true);
    }
  });

  it("shows each reader only what they may see, in results and counts", async () => {
    const slugs = async (reader: Parameters<typeof searchArticles>[0]) => (await searchArticles(reader, "saml")).hits.map((h) => h.slug).sort();
    expect(await slugs(null)).toEqual([]);
    expect(await slugs(customer)).toEqual(["customers-only"]);
    expect(await slugs(agent)).toEqual(["customers-only", "internal-only"]);
    expect(await countMatches(null, "saml")).toBe(0);
    expect(await countMatches(customer, "saml")).toBe(1);
    expect(await countMatches(agent, "saml")).toBe(2);
  });

  it("suggests articles for ticket text, limited by visibility", async () => {
    const anonymous = await suggestArticles(null, "Our SAML login and webhook deliveries are broken");
    expect(anonymous.map((s) => s.slug)).not.toContain("customers-only");
    expect(anonymous.map((s) => s.slug)).toContain("webhook-retry");
    const asCustomer = await suggestArticles(customer, "Our SAML login is broken");
    expect(asCustomer.map((s) => s.slug)).toEqual(["customers-only"]);
    expect(asCustomer[0]!.url).toBe("/help/articles/customers-only");
    expect(await suggestArticles(customer, "a b !!")).toEqual([]);
  });

  it("logs searches with their result counts (the no-result report)", async () => {
    await logSearch(customer, "  Quantum  Flux ", 0);
    const rows = await db().select().from(kbSearches).where(eq(kbSearches.normalized, "quantum flux"));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.resultCount).toBe(0);
    expect(rows[0]!.query).toBe("  Quantum  Flux ");
  });

  it("offers 'did you mean' from readable titles only (pg_trgm or the JS fallback)", async () => {
    expect(await didYouMean(null, "webhok retrys")).toBe("webhook retries");
    // "saml" is only in articles the signed-out reader may not see: no hint leaks it.
    expect(await didYouMean(null, "samll")).toBeNull();
    expect(await didYouMean(customer, "samll")).toBe("saml");
    expect(await didYouMean(null, "zzzzzz")).toBeNull();
    expect(typeof (await hasTrigramExtension())).toBe("boolean");
  });
});
