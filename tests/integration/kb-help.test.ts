import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { kbArticles, kbDeflectionEvents, kbFeedback, kbRevisions, kbSearches } from "../../db/schema";
import { db } from "~/lib/db.server";
import { testClock } from "~/lib/clock";
import { loader as homeLoader } from "~/routes/help/home";
import { loader as searchLoader } from "~/routes/help/search";
import { action as articleAction, loader as articleLoader } from "~/routes/help/article";
import { loader as faqLoader } from "~/routes/help/faq";
import { loader as categoryLoader } from "~/routes/help/category";
import { loader as suggestLoader } from "~/routes/help/suggest";
import { loader as sitemapLoader } from "~/routes/sitemap";
import { loader as deskKbLoader } from "~/routes/desk/kb/index";
import { action as editAction, loader as editLoader } from "~/routes/desk/kb/edit";
import { action as revisionsAction, loader as revisionsLoader } from "~/routes/desk/kb/revisions";
import { action as categoriesAction } from "~/routes/desk/kb/categories";
import { recordTicketFiled } from "~/modules/kb/deflection.server";
import { flushSearchLog } from "~/modules/kb/search-log.server";
import { createKbArticle, createKbCategory } from "../../db/seed/kb";
import { createOrganization, createUser } from "../support/factories";
import { call, getRequest, postForm, signInAs, type SignedIn } from "../support/requests";
import { resultsOf } from "../support/kb-results";

let customer: SignedIn, otherCustomer: SignedIn, agent: SignedIn, admin: SignedIn, sales: SignedIn;
let categoryId: string;
let categorySlug: string;

beforeAll(async () => {
  const org = await createOrganization(db(), { name: "Acme" });
  customer = await signInAs(await createUser(db(), { role: "customer", organizationId: org.id, name: "Alice" }));
  otherCustomer = await signInAs(await createUser(db(), { role: "customer", organizationId: org.id, name: "Bob" }));
  agent = await signInAs(await createUser(db(), { role: "agent", name: "Sam Agent" }));
  admin = await signInAs(await createUser(db(), { role: "admin", name: "Ada Admin" }));
  sales = await signInAs(await createUser(db(), { role: "sales" }));
  const category = await createKbCategory(db(), { name: "Billing", slug: "billing" });
  categoryId = category.id;
  categorySlug = category.slug;
  await createKbArticle(db(), { slug: "pay-invoice", title: "Pay an invoice", body: "Pay by card or bank transfer.", categoryId, isFaq: true });
  await createKbArticle(db(), { slug: "customer-pricing", title: "Customer pricing sheet", body: "Pricing for customers.", categoryId, visibility: "customers", isFaq: true });
  await createKbArticle(db(), { slug: "internal-refunds", title: "Refund policy for agents", body: "Internal refunds process.", categoryId, visibility: "internal", isFaq: true });
  await createKbArticle(db(), { slug: "draft-invoice", title: "Invoice draft", body: "Draft.", categoryId, status: "draft" });
  await createKbArticle(db(), { slug: "archived-invoice", title: "Old invoice article", body: "Archived.", categoryId, status: "archived" });
});

type HomeData = { categories: { slug: string; articleCount: number }[]; popular: { slug: string }[]; recent: { slug: string }[] };

describe("visibility by role", () => {
  it("counts and lists only readable articles on the home page", async () => {
    const counts = async (as: SignedIn | null) => {
      const res = await call(homeLoader, getRequest("/help", as));
      expect(res.status).toBe(200);
      const data = res.data as HomeData;
      return { count: data.categories.find((c) => c.slug === categorySlug)?.articleCount, slugs: data.recent.map((a) => a.slug).sort() };
    };
    expect(await counts(null)).toEqual({ count: 1, slugs: ["pay-invoice"] });
    expect(await counts(customer)).toEqual({ count: 2, slugs: ["customer-pricing", "pay-invoice"] });
    expect(await counts(agent)).toEqual({ count: 3, slugs: ["customer-pricing", "internal-refunds", "pay-invoice"] });
    expect((await counts(sales)).count).toBe(3);
  });

  it("answers 404 for an article the reader may not see, the same as a missing one", async () => {
    expect((await call(articleLoader, getRequest("/help/articles/customer-pricing"), { slug: "customer-pricing" })).status).toBe(404);
    expect((await call(articleLoader, getRequest("/help/articles/no-such"), { slug: "no-such" })).status).toBe(404);
    expect((await call(articleLoader, getRequest("/help/articles/internal-refunds", customer), { slug: "internal-refunds" })).status).toBe(404);
    expect((await call(articleLoader, getRequest("/help/articles/draft-invoice", agent), { slug: "draft-invoice" })).status).toBe(404);
    expect((await call(articleLoader, getRequest("/help/articles/customer-pricing", customer), { slug: "customer-pricing" })).status).toBe(200);
    expect((await call(articleLoader, getRequest("/help/articles/internal-refunds", agent), { slug: "internal-refunds" })).status).toBe(200);
  });

  it("keeps the FAQ, category pages, search and suggestions to readable articles", async () => {
    const faq = async (as: SignedIn | null) =>
      ((await call(faqLoader, getRequest("/help/faq", as))).data as { groups: { entries: { slug: string }[] }[] }).groups.flatMap((g) => g.entries.map((e) => e.slug)).sort();
    expect(await faq(null)).toEqual(["pay-invoice"]);
    expect(await faq(customer)).toEqual(["customer-pricing", "pay-invoice"]);
    const category = async (as: SignedIn | null) =>
      ((await call(categoryLoader, getRequest(`/help/categories/${categorySlug}`, as), { slug: categorySlug })).data as { sections: { articles: { slug: string }[] }[] }).sections
        .flatMap((s) => s.articles.map((a) => a.slug))
        .sort();
    expect(await category(null)).toEqual(["pay-invoice"]);
    expect(await category(agent)).toEqual(["customer-pricing", "internal-refunds", "pay-invoice"]);
    const search = async (as: SignedIn | null, q: string) => (await call(searchLoader, getRequest(`/help/search?q=${encodeURIComponent(q)}`, as))).data as { total: number; resultsHtml: string };
    expect((await search(null, "pricing")).total).toBe(0);
    expect(resultsOf(await search(customer, "pricing")).map((h) => h.href)).toEqual(["/help/articles/customer-pricing"]);
    expect((await search(customer, "refunds")).total).toBe(0);
    expect((await search(agent, "refunds")).total).toBe(1);
    const suggest = async (as: SignedIn | null) =>
      ((await call(suggestLoader, getRequest(`/help/suggest?q=${encodeURIComponent("invoice pricing refunds")}`, as))).data as { suggestions: { slug: string }[] }).suggestions.map((s) => s.slug).sort();
    expect(await suggest(null)).toEqual(["pay-invoice"]);
    expect(await suggest(customer)).toEqual(["customer-pricing", "pay-invoice"]);
  });

  it("lists only public, published articles in /sitemap.xml, with absolute canonical URLs", async () => {
    const res = await call(sitemapLoader, getRequest("/sitemap.xml"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/xml");
    const xml = res.data as string;
    expect(xml).toContain("<loc>http://portal.test/help/articles/pay-invoice</loc>");
    for (const hidden of ["customer-pricing", "internal-refunds", "draft-invoice", "archived-invoice"]) expect(xml).not.toContain(hidden);
  });

  it("gives public articles a meta description and canonical URL", async () => {
    const res = await call(articleLoader, getRequest("/help/articles/pay-invoice"), { slug: "pay-invoice" });
    const data = res.data as { canonical: string; description: string; html: string };
    expect(data.canonical).toBe("http://portal.test/help/articles/pay-invoice");
    expect(data.description).toBe("Pay by card or bank transfer.");
  });
});

describe("search logging", () => {
  it("records every search with its result count, and lists the no-result ones for authors", async () => {
    await call(searchLoader, getRequest("/help/search?q=quantum%20teleport", customer));
    await call(searchLoader, getRequest("/help/search?q=Quantum%20Teleport"));
    await call(searchLoader, getRequest("/help/search?q=invoice", customer));
    await flushSearchLog();
    const rows = await db().select().from(kbSearches);
    expect(rows.filter((r) => r.normalized === "quantum teleport").map((r) => r.resultCount)).toEqual([0, 0]);
    expect(rows.find((r) => r.normalized === "invoice")!.resultCount).toBe(1);
    const desk = await call(deskKbLoader, getRequest("/desk/kb", agent));
    const analytics = (desk.data as { analytics: { noResults: { query: string; searches: number }[] } }).analytics;
    expect(analytics.noResults[0]).toMatchObject({ searches: 2 });
    expect(analytics.noResults[0]!.query.toLowerCase()).toBe("quantum teleport");
  });
});

describe("authoring", () => {
  it("is for agents and admins only", async () => {
    expect((await call(deskKbLoader, getRequest("/desk/kb", customer))).status).toBe(403);
    expect((await call(deskKbLoader, getRequest("/desk/kb", sales))).status).toBe(403);
    expect((await call(deskKbLoader, getRequest("/desk/kb"))).status).toBe(302);
    expect((await call(deskKbLoader, getRequest("/desk/kb", admin))).status).toBe(200);
    const res = await call(editAction, postForm("/desk/kb/new", { title: "Sneaky", body: "x", status: "published", visibility: "public" }, customer));
    expect(res.status).toBe(403);
  });

  it("creates an article with a unique slug, refuses bad input with field errors", async () => {
    const bad = await call(editAction, postForm("/desk/kb/new", { title: "x", body: "", status: "nope", visibility: "public" }, agent));
    expect(bad.status).toBe(400);
    expect(Object.keys((bad.data as { fieldErrors: object }).fieldErrors).sort()).toEqual(["body", "status", "title"]);
    const fields = { title: "Pay an invoice", body: "Another one", status: "published", visibility: "public", categoryId, tags: "Billing, billing, cards" };
    const res = await call(editAction, postForm("/desk/kb/new", fields, agent));
    expect(res.status).toBe(302);
    const id = res.location!.match(/articles\/([0-9a-f-]+)/)![1]!;
    const [row] = await db().select().from(kbArticles).where(eq(kbArticles.id, id));
    expect(row!.slug).toBe("pay-an-invoice");
    expect(row!.tags).toEqual(["billing", "cards"]);
    const taken = await call(editAction, postForm("/desk/kb/new", { ...fields, slug: "pay-invoice" }, agent));
    expect(taken.status).toBe(409);
    expect((taken.data as { fieldErrors: Record<string, string> }).fieldErrors.slug).toMatch(/already/);
  });

  it("keeps a renamed article's old slug redirecting, and refuses a save based on an old revision", async () => {
    const article = await createKbArticle(db(), { slug: "reset-2fa", title: "Reset two-factor", body: "Old body" });
    const edit = (fields: Record<string, string>, as = agent) =>
      call(editAction, postForm(`/desk/kb/articles/${article.id}`, { title: "Reset two-factor authentication", body: "New body", status: "published", visibility: "public", expectedRevision: "1", ...fields }, as), { id: article.id });
    expect((await edit({ slug: "reset-two-factor" })).status).toBe(302);
    const old = await call(articleLoader, getRequest("/help/articles/reset-2fa?x=1"), { slug: "reset-2fa" });
    expect(old.status).toBe(301);
    expect(old.location).toBe("/help/articles/reset-two-factor?x=1");
    expect((await call(articleLoader, getRequest("/help/articles/reset-two-factor"), { slug: "reset-two-factor" })).status).toBe(200);
    // A stale editor (still at revision 1) is refused with 409 and keeps the input.
    const stale = await edit({ body: "Stale edit" });
    expect(stale.status).toBe(409);
    // Renaming back takes the old slug over from the redirect; the second name now redirects.
    expect((await edit({ slug: "reset-2fa", expectedRevision: "2" })).status).toBe(302);
    expect((await call(articleLoader, getRequest("/help/articles/reset-2fa"), { slug: "reset-2fa" })).status).toBe(200);
    expect((await call(articleLoader, getRequest("/help/articles/reset-two-factor"), { slug: "reset-two-factor" })).location).toBe("/help/articles/reset-2fa");
    // Another article cannot take a slug that still redirects.
    const other = await createKbArticle(db(), { slug: "other-article", title: "Other" });
    const clash = await call(
      editAction,
      postForm(`/desk/kb/articles/${other.id}`, { title: "Other", body: "x", status: "published", visibility: "public", expectedRevision: "1", slug: "reset-two-factor" }, agent),
      { id: other.id },
    );
    expect(clash.status).toBe(409);
    // A redirect never reveals an article the reader may not see.
    await db().update(kbArticles).set({ visibility: "internal" }).where(eq(kbArticles.id, article.id));
    expect((await call(articleLoader, getRequest("/help/articles/reset-two-factor"), { slug: "reset-two-factor" })).status).toBe(404);
  });

  it("keeps every revision with its author, shows a line diff and restores an old one as a new revision", async () => {
    const created = await call(editAction, postForm("/desk/kb/new", { title: "Rotate keys", body: "Step one\nStep two", status: "published", visibility: "public" }, agent));
    const id = created.location!.match(/articles\/([0-9a-f-]+)/)![1]!;
    const save = (body: string, rev: string, as: SignedIn) =>
      call(editAction, postForm(`/desk/kb/articles/${id}`, { title: "Rotate keys", body, status: "published", visibility: "public", expectedRevision: rev, note: "edit" }, as), { id });
    expect((await save("Step one\nStep 2\nStep three", "1", admin)).status).toBe(302);
    const history = await call(revisionsLoader, getRequest(`/desk/kb/articles/${id}/revisions`, agent), { id });
    const h = history.data as { revisions: { number: number; authorName: string }[]; diff: { lines: { type: string; text: string }[]; stats: { added: number; removed: number } } };
    expect(h.revisions.map((r) => [r.number, r.authorName])).toEqual([
      [2, "Ada Admin"],
      [1, "Sam Agent"],
    ]);
    expect(h.diff.stats).toEqual({ added: 2, removed: 1 });
    expect(h.diff.lines.filter((l) => l.type === "removed").map((l) => l.text)).toEqual(["Step two"]);
    const restore = await call(revisionsAction, postForm(`/desk/kb/articles/${id}/revisions`, { intent: "restore", number: "1" }, agent), { id });
    expect(restore.status).toBe(302);
    const [row] = await db().select().from(kbArticles).where(eq(kbArticles.id, id));
    expect(row!.body).toBe("Step one\nStep two");
    expect(row!.revision).toBe(3);
    const revs = await db().select().from(kbRevisions).where(eq(kbRevisions.articleId, id));
    expect(revs.map((r) => r.note).sort()).toEqual(["Created", "Restored revision 1", "edit"]);
    expect((await call(revisionsAction, postForm(`/desk/kb/articles/${id}/revisions`, { intent: "restore", number: "1" }, customer), { id })).status).toBe(403);
    expect((await call(revisionsAction, postForm(`/desk/kb/articles/${id}/revisions`, { intent: "restore", number: "99" }, agent), { id })).status).toBe(404);
  });

  it("nests categories one level deep", async () => {
    const parent = await createKbCategory(db(), { name: "Parent" });
    const child = await createKbCategory(db(), { name: "Child", parentId: parent.id });
    const res = await call(categoriesAction, postForm("/desk/kb/categories", { intent: "save", name: "Grandchild", parentId: child.id, position: "1" }, agent));
    expect(res.status).toBe(400);
    expect((res.data as { fieldErrors: Record<string, string> }).fieldErrors.parentId).toMatch(/one level/);
    expect((await call(categoriesAction, postForm("/desk/kb/categories", { intent: "save", name: "Second child", parentId: parent.id, position: "2" }, agent))).status).toBe(200);
    // Renaming and reordering an existing category; a parent cannot move under another category.
    const renamed = await call(categoriesAction, postForm("/desk/kb/categories", { intent: "save", id: child.id, name: "Renamed child", slug: "renamed-child", parentId: parent.id, position: "7" }, agent));
    expect(renamed.status).toBe(200);
    const moveParent = await call(categoriesAction, postForm("/desk/kb/categories", { intent: "save", id: parent.id, name: "Parent", parentId: categoryId, position: "0" }, agent));
    expect(moveParent.status).toBe(400);
  });
});

describe("was this helpful?", () => {
  it("keeps one vote per person, changeable, with an optional comment", async () => {
    const vote = (fields: Record<string, string>, as: SignedIn | null) => call(articleAction, postForm("/help/articles/pay-invoice", { intent: "vote", ...fields }, as), { slug: "pay-invoice" });
    expect((await vote({ helpful: "yes" }, customer)).status).toBe(200);
    expect((await vote({ helpful: "yes" }, customer)).status).toBe(200);
    expect((await vote({ helpful: "no", comment: "Missing SEPA details" }, customer)).status).toBe(200);
    expect((await vote({ helpful: "yes" }, otherCustomer)).status).toBe(200);
    const [article] = await db().select().from(kbArticles).where(eq(kbArticles.slug, "pay-invoice"));
    const rows = await db().select().from(kbFeedback).where(eq(kbFeedback.articleId, article!.id));
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.userId === customer.user.id)).toMatchObject({ helpful: false, comment: "Missing SEPA details" });
    expect([article!.helpfulCount, article!.notHelpfulCount]).toEqual([1, 1]);
    const loaded = await call(articleLoader, getRequest("/help/articles/pay-invoice", customer), { slug: "pay-invoice" });
    expect((loaded.data as { vote: unknown }).vote).toEqual({ helpful: false, comment: "Missing SEPA details" });
    const bad = await vote({ helpful: "maybe" }, customer);
    expect(bad.status).toBe(400);
  });

  it("gives an anonymous browser a cookie id and one changeable vote", async () => {
    const first = await call(articleAction, postForm("/help/articles/pay-invoice", { intent: "vote", helpful: "yes" }, null), { slug: "pay-invoice" });
    const cookie = first.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^kb_browser=[A-Za-z0-9_-]+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax/);
    const id = cookie.split(";")[0]!;
    const again = postForm("/help/articles/pay-invoice", { intent: "vote", helpful: "no" }, null);
    again.headers.set("cookie", id);
    const second = await call(articleAction, again, { slug: "pay-invoice" });
    expect(second.headers.get("set-cookie")).toBeNull();
    const rows = await db().select().from(kbFeedback).where(eq(kbFeedback.voterKey, `a:${id.split("=")[1]}`));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.helpful).toBe(false);
    // A bot filling the honeypot records nothing.
    const before = (await db().select().from(kbFeedback)).length;
    await call(articleAction, postForm("/help/articles/pay-invoice", { intent: "vote", helpful: "yes", website: "http://spam" }, null), { slug: "pay-invoice" });
    expect((await db().select().from(kbFeedback)).length).toBe(before);
  });

  it("refuses votes on articles the voter may not read", async () => {
    const res = await call(articleAction, postForm("/help/articles/internal-refunds", { intent: "vote", helpful: "yes" }, customer), { slug: "internal-refunds" });
    expect(res.status).toBe(404);
  });
});

describe("deflection", () => {
  it("records suggestions shown (once), an article opened from them and a ticket filed anyway", async () => {
    const start = new Date("2026-03-02T09:00:00Z");
    testClock.freeze(start);
    try {
      const q = "/help/suggest?q=" + encodeURIComponent("how do I pay an invoice") + "&context=ticket";
      await call(suggestLoader, getRequest(q, customer));
      await call(suggestLoader, getRequest(q, customer));
      const visitor = `u:${customer.user.id}`;
      const shown = await db().select().from(kbDeflectionEvents).where(and(eq(kbDeflectionEvents.visitorKey, visitor), eq(kbDeflectionEvents.kind, "suggested")));
      expect(shown).toHaveLength(1);
      await call(articleLoader, getRequest("/help/articles/pay-invoice?ref=ticket-form&q=pay", customer), { slug: "pay-invoice" });
      const opened = await db().select().from(kbDeflectionEvents).where(and(eq(kbDeflectionEvents.visitorKey, visitor), eq(kbDeflectionEvents.kind, "opened")));
      expect(opened).toHaveLength(1);
      expect(opened[0]!.query).toBe("pay");
      // Bob opens a suggestion and files nothing; Alice files a ticket 10 minutes later.
      await call(articleLoader, getRequest("/help/articles/pay-invoice?ref=ticket-form", otherCustomer), { slug: "pay-invoice" });
      testClock.advance(10 * 60_000);
      await recordTicketFiled({ userId: customer.user.id });
      const pending = ((await call(deskKbLoader, getRequest("/desk/kb", agent))).data as { analytics: { deflection: Record<string, number> } }).analytics.deflection;
      expect(pending).toMatchObject({ shown: 1, opened: 2, deflected: 0, filedAnyway: 1, pending: 1 });
      testClock.advance(31 * 60_000);
      const later = ((await call(deskKbLoader, getRequest("/desk/kb", agent))).data as { analytics: { deflection: Record<string, number> } }).analytics.deflection;
      expect(later).toMatchObject({ deflected: 1, filedAnyway: 1, pending: 0 });
    } finally {
      testClock.reset();
    }
  });
});

describe("hostile input", () => {
  it("keeps XSS payloads in titles, bodies, queries and comments as text", async () => {
    const payload = `<img src=x onerror="alert(1)"><script>alert(2)</script>`;
    const created = await call(
      editAction,
      postForm("/desk/kb/new", { title: `${payload} title`, body: `${payload}\n\n[click](javascript:alert(3)) ![x](http://evil.test/x.png) ![y](/uploads/ok.png)`, status: "published", visibility: "public" }, agent),
    );
    expect(created.status).toBe(302);
    const [row] = await db().select().from(kbArticles).where(eq(kbArticles.title, `${payload} title`));
    const page = await call(articleLoader, getRequest(`/help/articles/${row!.slug}`), { slug: row!.slug });
    const data = page.data as { html: string; article: { title: string } };
    expect(row!.slug).toBe("img-src-x-onerror-alert-1-script-alert-2-script-title");
    expect(data.article.title).toBe(`${payload} title`);
    expect(data.html).not.toMatch(/<script|<img src="x"|onerror="|href="javascript/i);
    expect(data.html).toContain("&lt;script&gt;");
    expect(data.html).toContain('<img src="/uploads/ok.png"');
    expect(data.html).not.toContain("evil.test/x.png\"");
    const search = await call(searchLoader, getRequest(`/help/search?q=${encodeURIComponent(payload)}`));
    expect(search.status).toBe(200);
    const found = await call(searchLoader, getRequest("/help/search?q=title"));
    const resultsHtml = (found.data as { resultsHtml: string }).resultsHtml;
    expect(resultsHtml).toContain("&lt;script&gt;alert(2)&lt;/script&gt; title</a>");
    // Only the list's own elements: the payload in the title and snippet is text.
    expect(resultsHtml.replace(/<\/?(li|h2|a|p|span|mark)\b[^>]*>/g, "")).not.toMatch(/<[a-z/!]/i);
    await call(articleAction, postForm(`/help/articles/${row!.slug}`, { intent: "vote", helpful: "no", comment: payload }, customer), { slug: row!.slug });
    const edit = await call(editLoader, getRequest(`/desk/kb/articles/${row!.id}`, agent), { id: row!.id });
    expect((edit.data as { comments: { comment: string }[] }).comments[0]!.comment).toBe(payload);
  });
});
