import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { kbSearches } from "../../db/schema";
import { db } from "~/lib/db.server";
import { countMatches, didYouMean, hasTrigramExtension, SEARCH_RESULT_CAP, searchArticles, suggestArticles } from "~/modules/kb/search.server";
import { flushSearchLog, logSearch } from "~/modules/kb/search-log.server";
import { searchKb } from "~/modules/api/resources.server";
import { loader as searchLoader } from "~/routes/help/search";
import { createKbArticle } from "../../db/seed/kb";
import { createUser } from "../support/factories";
import { call, getRequest } from "../support/requests";

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
    logSearch(customer, "  Quantum  Flux ", 0);
    await flushSearchLog();
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

describe("a word in more articles than the result cap", () => {
  const DAY = 86_400_000;
  const now = Date.now();
  const bodyOnly = SEARCH_RESULT_CAP + 150;

  beforeAll(async () => {
    // 1,150 newer public articles with "zephyr" only in the body (several times in some, so ranks differ) …
    await db().execute(sql`
      insert into kb_articles (slug, title, body, status, visibility, updated_at, created_at)
      select 'zephyr-body-' || g, 'Wind notes ' || g,
             case when g % 7 = 0 then 'The zephyr blows. Another zephyr. A third zephyr.' else 'A zephyr blows through the valley ' || g || '.' end,
             'published', 'public', ${new Date(now - DAY).toISOString()}::timestamptz - g * interval '1 minute', now()
      from generate_series(1, ${bodyOnly}) g`);
    // … older articles with it in the title, which a newest-first bound alone would drop …
    for (const [slug, days] of [["zephyr-title-old", 400], ["zephyr-title-older", 500]] as const)
      await createKbArticle(db(), { slug, title: `Zephyr configuration ${slug}`, body: "How to set it up.", updatedAt: new Date(now - days * DAY) });
    // … and the newest title matches of all, which only some readers may see.
    await createKbArticle(db(), { slug: "zephyr-customers", title: "Zephyr for customers", body: "Signed-in customers only.", visibility: "customers", updatedAt: new Date(now) });
    await createKbArticle(db(), { slug: "zephyr-internal", title: "Zephyr internal runbook", body: "Staff only.", visibility: "internal", updatedAt: new Date(now) });
    await createKbArticle(db(), { slug: "zephyr-draft", title: "Zephyr draft", body: "Not yet.", status: "draft", updatedAt: new Date(now) });
    await createKbArticle(db(), { slug: "zephyr-archived", title: "Zephyr archived", body: "Gone.", status: "archived", updatedAt: new Date(now) });
    await db().execute(sql`analyze kb_articles`);
  });

  it("reports the capped total and pages through exactly the first CAP results", async () => {
    const first = await searchArticles(null, "zephyr");
    expect(first.total).toBe(SEARCH_RESULT_CAP);
    expect(first.totalIsCapped).toBe(true);
    const last = await searchArticles(null, "zephyr", { page: SEARCH_RESULT_CAP / 10 });
    expect(last.hits).toHaveLength(10);
    const past = await searchArticles(null, "zephyr", { page: SEARCH_RESULT_CAP / 10 + 1 });
    expect(past.hits).toEqual([]);
    expect(past.total).toBe(SEARCH_RESULT_CAP);
    expect(past.totalIsCapped).toBe(true);
    // Pages do not overlap: the candidate set and its order are the same for every page.
    const ids = new Set<string>();
    for (const page of [1, 2, 3, 50, 100]) for (const hit of (await searchArticles(null, "zephyr", { page })).hits) ids.add(hit.id);
    expect(ids.size).toBe(50);
  });

  it("still ranks title matches (even old ones) above body matches, then by rank", async () => {
    const { hits } = await searchArticles(null, "zephyr");
    expect(hits.slice(0, 2).map((h) => h.slug).sort()).toEqual(["zephyr-title-old", "zephyr-title-older"]);
    // Then the body matches that use the word most (every 7th), whatever their age.
    expect(hits.slice(2).every((h) => /^zephyr-body-\d+$/.test(h.slug) && Number(h.slug.split("-").pop()) % 7 === 0)).toBe(true);
    for (let i = 1; i < hits.length; i++) expect(hits[i - 1]!.rank).toBeGreaterThanOrEqual(hits[i]!.rank);
  });

  it("keeps visibility, drafts and archived articles out of the capped path too", async () => {
    const slugsOf = async (reader: Parameters<typeof searchArticles>[0]) => (await searchArticles(reader, "zephyr")).hits.map((h) => h.slug);
    const anonymous = await slugsOf(null);
    expect(anonymous.filter((s) => !s.startsWith("zephyr-body-")).sort()).toEqual(["zephyr-title-old", "zephyr-title-older"]);
    expect((await slugsOf(customer)).slice(0, 3).sort()).toEqual(["zephyr-customers", "zephyr-title-old", "zephyr-title-older"]);
    expect((await slugsOf(agent)).slice(0, 4).sort()).toEqual(["zephyr-customers", "zephyr-internal", "zephyr-title-old", "zephyr-title-older"]);
    for (const reader of [null, customer, agent]) {
      // Every result the pager can reach, in one page.
      const all = new Set((await searchArticles(reader, "zephyr", { pageSize: SEARCH_RESULT_CAP })).hits.map((h) => h.slug));
      expect(all.size).toBe(SEARCH_RESULT_CAP);
      expect([...all].filter((s) => s === "zephyr-draft" || s === "zephyr-archived")).toEqual([]);
      expect(all.has("zephyr-internal")).toBe(reader === agent);
    }
  });

  it("counts up to a limit when asked (did-you-mean only needs one)", async () => {
    expect(await countMatches(null, "zephyr")).toBe(bodyOnly + 2);
    expect(await countMatches(customer, "zephyr")).toBe(bodyOnly + 3);
    expect(await countMatches(null, "zephyr", undefined, 1)).toBe(1);
  });

  it("tells API clients the total is capped (totalIsCapped), and not when it is exact", async () => {
    const staff = { ...agent, organizationId: null };
    expect(await searchKb(staff, "zephyr", 1)).toMatchObject({ total: SEARCH_RESULT_CAP, totalIsCapped: true });
    expect(await searchKb(staff, "runbook", 1)).toMatchObject({ total: 1, totalIsCapped: false });
  });

  it("shows '1,000+ articles found' on the search page", async () => {
    const res = await call(searchLoader, getRequest("/help/search?q=zephyr"));
    const data = res.data as { total: number; totalIsCapped: boolean; hitCount: number; resultsHtml: string };
    expect(data).toMatchObject({ total: SEARCH_RESULT_CAP, totalIsCapped: true, hitCount: 10 });
    expect(data.resultsHtml.match(/<li class="kb-result">/g)).toHaveLength(10);
    // Only what the page renders is serialized: the results as one string (left out of a document's data).
    expect(Object.keys(data).sort()).toEqual(["hitCount", "isCustomer", "locale", "page", "pageSize", "query", "resultsHtml", "signedIn", "suggestion", "total", "totalIsCapped"]);
  });
});
