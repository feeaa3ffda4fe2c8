import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { kbArticleTranslations } from "../../db/schema";
import { db } from "~/lib/db.server";
import { loader as homeLoader } from "~/routes/help/home";
import { loader as searchLoader } from "~/routes/help/search";
import { action as articleAction, loader as articleLoader } from "~/routes/help/article";
import { loader as faqLoader } from "~/routes/help/faq";
import { loader as categoryLoader } from "~/routes/help/category";
import { loader as sitemapLoader } from "~/routes/sitemap";
import { loader as deskKbLoader } from "~/routes/desk/kb/index";
import { loader as editLoader } from "~/routes/desk/kb/edit";
import { action as translationAction, loader as translationLoader } from "~/routes/desk/kb/translation";
import { localeFromAcceptLanguage } from "~/modules/kb/locales";
import { installedSearchConfigs, searchConfigFor } from "~/modules/kb/translations.server";
import { createKbArticle, createKbCategory } from "../../db/seed/kb";
import { createKbTranslation } from "../../db/seed/kb-translations";
import { createOrganization, createUser } from "../support/factories";
import { call, getRequest, postForm, signInAs, type SignedIn } from "../support/requests";
import { resultsOf } from "../support/kb-results";

let customer: SignedIn, agent: SignedIn, sales: SignedIn;
let invoiceId: string, pricingId: string, internalId: string, untranslatedId: string;
let categorySlug: string;

beforeAll(async () => {
  const org = await createOrganization(db(), { name: "Acme" });
  customer = await signInAs(await createUser(db(), { role: "customer", organizationId: org.id }));
  agent = await signInAs(await createUser(db(), { role: "agent", name: "Tina Translator" }));
  sales = await signInAs(await createUser(db(), { role: "sales" }));
  const category = await createKbCategory(db(), { name: "Billing", slug: "billing-t" });
  categorySlug = category.slug;
  const invoice = await createKbArticle(db(), {
    slug: "download-invoices",
    title: "Download your invoices",
    summary: "Invoices as PDF.",
    body: "Open Settings, Billing, Invoices to download each invoice.",
    categoryId: category.id,
    isFaq: true,
    viewCount: 50,
  });
  invoiceId = invoice.id;
  await createKbTranslation(db(), {
    articleId: invoice.id,
    locale: "de",
    slug: "rechnungen-herunterladen",
    title: "Rechnung herunterladen",
    summary: "Ihre Rechnung als PDF.",
    body: "Unter Einstellungen, Abrechnung finden Sie jede Rechnung als PDF.",
  });
  await createKbTranslation(db(), { articleId: invoice.id, locale: "fr", slug: "telecharger-factures", title: "Télécharger vos factures", body: "Chaque facture en PDF." });
  const pricing = await createKbArticle(db(), { slug: "customer-pricing", title: "Customer pricing", body: "Prices for customers.", categoryId: category.id, visibility: "customers", isFaq: true });
  pricingId = pricing.id;
  await createKbTranslation(db(), { articleId: pricing.id, locale: "de", slug: "kundenpreise", title: "Preise für Kunden", body: "Die Rechnung für Kunden mit Preisen." });
  const internal = await createKbArticle(db(), { slug: "refund-playbook", title: "Refund playbook", body: "Internal refunds.", categoryId: category.id, visibility: "internal" });
  internalId = internal.id;
  await createKbTranslation(db(), { articleId: internal.id, locale: "de", slug: "erstattungen-intern", title: "Erstattungen (intern)", body: "Interne Korrektur einer Rechnung." });
  const untranslated = await createKbArticle(db(), { slug: "change-seats", title: "Change the number of seats", body: "Seats are billed per month.", categoryId: category.id });
  untranslatedId = untranslated.id;
});

type ArticleData = {
  locale: string;
  htmlLang: string;
  fallbackFrom: string | null;
  canonical: string;
  alternates: { hreflang: string; href: string }[];
  article: { title: string };
  html: string;
};

describe("choosing the reader's language", () => {
  it("parses Accept-Language by quality and ignores unsupported languages", () => {
    expect(localeFromAcceptLanguage("de-CH,de;q=0.9,en;q=0.5")).toBe("de");
    expect(localeFromAcceptLanguage("nl;q=0.9,fr;q=0.8,en;q=0.7")).toBe("fr");
    expect(localeFromAcceptLanguage("en;q=0.5,es;q=0.9")).toBe("es");
    expect(localeFromAcceptLanguage("de;q=0,it")).toBe(null);
    expect(localeFromAcceptLanguage("")).toBe(null);
  });

  it("sends an Accept-Language: de reader from the default address to the German version (302, varies by language)", async () => {
    const res = await call(articleLoader, getRequest("/help/articles/download-invoices", null, { "accept-language": "de-DE,de;q=0.9,en;q=0.8" }), { slug: "download-invoices" });
    expect(res.status).toBe(302);
    expect(res.location).toBe("/help/articles/rechnungen-herunterladen?lang=de");
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  it("shows the translation at its canonical URL with hreflang alternates and an x-default", async () => {
    const res = await call(articleLoader, getRequest("/help/articles/rechnungen-herunterladen?lang=de"), { slug: "rechnungen-herunterladen" });
    expect(res.status).toBe(200);
    const d = res.data as ArticleData;
    expect(d.article.title).toBe("Rechnung herunterladen");
    expect(d.html).toContain("Einstellungen");
    expect(d.htmlLang).toBe("de");
    expect(d.fallbackFrom).toBeNull();
    expect(d.canonical).toBe("http://portal.test/help/articles/rechnungen-herunterladen?lang=de");
    expect(d.alternates).toEqual([
      { hreflang: "en", href: "http://portal.test/help/articles/download-invoices" },
      { hreflang: "de", href: "http://portal.test/help/articles/rechnungen-herunterladen?lang=de" },
      { hreflang: "fr", href: "http://portal.test/help/articles/telecharger-factures?lang=fr" },
      { hreflang: "x-default", href: "http://portal.test/help/articles/download-invoices" },
    ]);
    // The switcher's choice is remembered.
    expect(res.headers.get("set-cookie")).toMatch(/^help_lang=de; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax/);
  });

  it("lets the switcher (?lang=en) and the cookie win over Accept-Language", async () => {
    const english = await call(articleLoader, getRequest("/help/articles/download-invoices?lang=en", null, { "accept-language": "de" }), { slug: "download-invoices" });
    expect(english.status).toBe(200);
    expect((english.data as ArticleData).article.title).toBe("Download your invoices");
    expect((english.data as ArticleData).htmlLang).toBe("en");
    expect(english.headers.get("set-cookie")).toMatch(/^help_lang=en;/);
    const byCookie = await call(articleLoader, getRequest("/help/articles/download-invoices", null, { cookie: "help_lang=fr", "accept-language": "de" }), { slug: "download-invoices" });
    expect(byCookie.status).toBe(302);
    expect(byCookie.location).toBe("/help/articles/telecharger-factures?lang=fr");
    // ?lang=de on the default slug moves permanently to the German slug.
    const moved = await call(articleLoader, getRequest("/help/articles/download-invoices?lang=de&ref=ticket-form"), { slug: "download-invoices" });
    expect(moved.status).toBe(301);
    expect(moved.location).toBe("/help/articles/rechnungen-herunterladen?lang=de&ref=ticket-form");
    // A translated slug shared without ?lang= finds its way too.
    const bare = await call(articleLoader, getRequest("/help/articles/telecharger-factures"), { slug: "telecharger-factures" });
    expect(bare.status).toBe(301);
    expect(bare.location).toBe("/help/articles/telecharger-factures?lang=fr");
  });

  it("falls back to the default language with a notice when the translation is missing", async () => {
    const res = await call(articleLoader, getRequest("/help/articles/change-seats?lang=de"), { slug: "change-seats" });
    expect(res.status).toBe(200);
    const d = res.data as ArticleData;
    expect(d.article.title).toBe("Change the number of seats");
    expect(d.fallbackFrom).toBe("de");
    expect(d.htmlLang).toBe("en");
    expect(d.canonical).toBe("http://portal.test/help/articles/change-seats");
    expect(d.alternates).toEqual([]);
    const byHeader = await call(articleLoader, getRequest("/help/articles/change-seats", null, { "accept-language": "es" }), { slug: "change-seats" });
    expect(byHeader.status).toBe(200);
    expect((byHeader.data as ArticleData).fallbackFrom).toBe("es");
  });

  it("records a vote on the translated page against the article", async () => {
    const res = await call(articleAction, postForm("/help/articles/rechnungen-herunterladen?lang=de", { intent: "vote", helpful: "yes" }, customer), { slug: "rechnungen-herunterladen" });
    expect(res.status).toBe(200);
    expect((res.data as { vote: { helpful: boolean } }).vote.helpful).toBe(true);
  });
});

describe("lists and search in the reader's language", () => {
  it("shows translated titles and links on the home page, category page and FAQ where a translation exists", async () => {
    const home = (await call(homeLoader, getRequest("/help", null, { "accept-language": "de" }))).data as { locale: string; popular: { title: string; href: string; locale: string }[] };
    expect(home.locale).toBe("de");
    expect(home.popular.find((a) => a.href.includes("rechnungen"))).toMatchObject({ title: "Rechnung herunterladen", href: "/help/articles/rechnungen-herunterladen?lang=de", locale: "de" });
    expect(home.popular.find((a) => a.href === "/help/articles/change-seats")).toMatchObject({ locale: "en" });
    const category = (await call(categoryLoader, getRequest(`/help/categories/${categorySlug}?lang=fr`), { slug: categorySlug })).data as { sections: { articles: { title: string; locale: string }[] }[] };
    expect(category.sections.flatMap((s) => s.articles.map((a) => `${a.locale}:${a.title}`)).sort()).toEqual(["en:Change the number of seats", "fr:Télécharger vos factures"]);
    const faq = (await call(faqLoader, getRequest("/help/faq", customer, { cookie: `${customer.cookie}; help_lang=de` }))).data as { groups: { entries: { question: string }[] }[] };
    expect(faq.groups.flatMap((g) => g.entries.map((e) => e.question)).sort()).toEqual(["Preise für Kunden", "Rechnung herunterladen"]);
  });

  it("stems German queries with the german configuration: 'Rechnungen' finds 'Rechnung'", async () => {
    expect(await searchConfigFor("de")).toBe("german");
    expect(await searchConfigFor("ja")).toBe("simple");
    expect((await installedSearchConfigs()).has("spanish")).toBe(true);
    const [row] = await db().select({ config: kbArticleTranslations.searchConfig }).from(kbArticleTranslations).where(eq(kbArticleTranslations.slug, "rechnungen-herunterladen"));
    expect(row?.config).toBe("german");
    const res = await call(searchLoader, getRequest("/help/search?q=Rechnungen&lang=de"));
    const hits = resultsOf(res.data);
    expect(hits.map((h) => h.href)).toEqual(["/help/articles/rechnungen-herunterladen?lang=de"]);
    expect(hits[0]!.snippetHtml).toContain("<mark>Rechnung</mark>");
    // The english configuration would not have matched the German word form.
    const english = (await call(searchLoader, getRequest("/help/search?q=Rechnungen&lang=en"))).data as { total: number };
    expect(english.total).toBe(0);
  });

  it("falls back to default-language results for articles without a translation", async () => {
    const hits = resultsOf((await call(searchLoader, getRequest("/help/search?q=seats", null, { "accept-language": "de" }))).data);
    expect(hits).toEqual([expect.objectContaining({ href: "/help/articles/change-seats", locale: "en" })]);
  });

  it("never shows a translation of an article the reader may not see", async () => {
    const search = async (as: SignedIn | null) =>
      resultsOf((await call(searchLoader, getRequest("/help/search?q=Rechnung&lang=de", as))).data).map((h) => h.href).sort();
    expect(await search(null)).toEqual(["/help/articles/rechnungen-herunterladen?lang=de"]);
    expect(await search(customer)).toEqual(["/help/articles/kundenpreise?lang=de", "/help/articles/rechnungen-herunterladen?lang=de"]);
    expect(await search(agent)).toEqual(["/help/articles/erstattungen-intern?lang=de", "/help/articles/kundenpreise?lang=de", "/help/articles/rechnungen-herunterladen?lang=de"]);
    expect((await call(articleLoader, getRequest("/help/articles/kundenpreise?lang=de"), { slug: "kundenpreise" })).status).toBe(404);
    expect((await call(articleLoader, getRequest("/help/articles/kundenpreise"), { slug: "kundenpreise" })).status).toBe(404);
    expect((await call(articleLoader, getRequest("/help/articles/erstattungen-intern?lang=de", customer), { slug: "erstattungen-intern" })).status).toBe(404);
    expect((await call(articleLoader, getRequest("/help/articles/kundenpreise?lang=de", customer), { slug: "kundenpreise" })).status).toBe(200);
    expect((await call(articleAction, postForm("/help/articles/kundenpreise?lang=de", { intent: "vote", helpful: "yes" }), { slug: "kundenpreise" })).status).toBe(404);
  });

  it("lists every public version in the sitemap with its canonical URL and alternates, nothing else", async () => {
    const xml = (await call(sitemapLoader, getRequest("/sitemap.xml"))).data as string;
    expect(xml).toContain("<loc>http://portal.test/help/articles/rechnungen-herunterladen?lang=de</loc>");
    expect(xml).toContain("<loc>http://portal.test/help/articles/telecharger-factures?lang=fr</loc>");
    expect(xml).toContain('<xhtml:link rel="alternate" hreflang="x-default" href="http://portal.test/help/articles/download-invoices"/>');
    expect(xml).not.toContain("kundenpreise");
    expect(xml).not.toContain("erstattungen");
  });
});

describe("authoring translations", () => {
  const path = (id: string, locale: string) => `/desk/kb/articles/${id}/translations/${locale}`;

  it("is for agents and admins only", async () => {
    expect((await call(translationLoader, getRequest(path(untranslatedId, "de"), customer), { id: untranslatedId, locale: "de" })).status).toBe(403);
    expect((await call(translationLoader, getRequest(path(untranslatedId, "de"), sales), { id: untranslatedId, locale: "de" })).status).toBe(403);
    expect((await call(translationLoader, getRequest(path(untranslatedId, "de")), { id: untranslatedId, locale: "de" })).status).toBe(302);
    const post = await call(translationAction, postForm(path(untranslatedId, "de"), { title: "Plätze ändern", body: "x" }, customer), { id: untranslatedId, locale: "de" });
    expect(post.status).toBe(403);
    const del = await call(translationAction, postForm(path(invoiceId, "fr"), { intent: "delete" }, sales), { id: invoiceId, locale: "fr" });
    expect(del.status).toBe(403);
    expect((await call(translationLoader, getRequest(path(untranslatedId, "en"), agent), { id: untranslatedId, locale: "en" })).status).toBe(404);
    expect((await call(translationLoader, getRequest(path(untranslatedId, "xx"), agent), { id: untranslatedId, locale: "xx" })).status).toBe(404);
    expect((await call(translationLoader, getRequest(path("00000000-0000-4000-8000-000000000000", "de"), agent), { id: "00000000-0000-4000-8000-000000000000", locale: "de" })).status).toBe(404);
  });

  it("creates, edits (optimistic locking, slug rules) and deletes a translation", async () => {
    const bad = await call(translationAction, postForm(path(untranslatedId, "de"), { title: "x", body: "", slug: "Not a slug!" }, agent), { id: untranslatedId, locale: "de" });
    expect(bad.status).toBe(400);
    expect(Object.keys((bad.data as { fieldErrors: object }).fieldErrors).sort()).toEqual(["body", "title"]);
    expect((bad.data as { values: Record<string, string> }).values.slug).toBe("Not a slug!");
    const taken = await call(translationAction, postForm(path(untranslatedId, "de"), { title: "Plätze ändern", body: "Plätze werden monatlich berechnet.", slug: "rechnungen-herunterladen" }, agent), {
      id: untranslatedId,
      locale: "de",
    });
    expect(taken.status).toBe(409);
    expect((taken.data as { fieldErrors: Record<string, string> }).fieldErrors.slug).toMatch(/already uses/);
    const created = await call(translationAction, postForm(path(untranslatedId, "de"), { title: "Anzahl der Plätze ändern", body: "Plätze werden monatlich berechnet." }, agent), { id: untranslatedId, locale: "de" });
    expect(created.status).toBe(302);
    expect(created.location).toBe(`${path(untranslatedId, "de")}?saved=1`);
    const [row] = await db().select().from(kbArticleTranslations).where(and(eq(kbArticleTranslations.articleId, untranslatedId), eq(kbArticleTranslations.locale, "de")));
    expect(row).toMatchObject({ slug: "anzahl-der-platze-andern", revision: 1, searchConfig: "german", updatedById: agent.user.id });
    const page = (await call(translationLoader, getRequest(path(untranslatedId, "de"), agent), { id: untranslatedId, locale: "de" })).data as { translation: { title: string; updatedByName: string } };
    expect(page.translation).toMatchObject({ title: "Anzahl der Plätze ändern", updatedByName: "Tina Translator" });
    const edited = await call(
      translationAction,
      postForm(path(untranslatedId, "de"), { title: "Plätze ändern", slug: "plaetze-aendern", body: "Plätze werden monatlich abgerechnet.", expectedRevision: "1" }, agent),
      { id: untranslatedId, locale: "de" },
    );
    expect(edited.status).toBe(302);
    const stale = await call(translationAction, postForm(path(untranslatedId, "de"), { title: "Alt", body: "Alt.", expectedRevision: "1" }, agent), { id: untranslatedId, locale: "de" });
    expect(stale.status).toBe(409);
    // A second "create" (a form opened before the first author saved) is refused too, not overwritten.
    const twice = await call(translationAction, postForm(path(untranslatedId, "de"), { title: "Doppelt", body: "Doppelt." }, agent), { id: untranslatedId, locale: "de" });
    expect(twice.status).toBe(409);
    // Readers get it now: German search and the article at its new slug.
    const hit = resultsOf((await call(searchLoader, getRequest("/help/search?q=monatlich&lang=de"))).data);
    expect(hit.map((h) => h.href)).toEqual(["/help/articles/plaetze-aendern?lang=de"]);
    // Deleting sends German readers back to the original with the notice.
    const deleted = await call(translationAction, postForm(path(untranslatedId, "de"), { intent: "delete" }, agent), { id: untranslatedId, locale: "de" });
    expect(deleted.status).toBe(302);
    const after = await call(articleLoader, getRequest("/help/articles/change-seats?lang=de"), { slug: "change-seats" });
    expect((after.data as ArticleData).fallbackFrom).toBe("de");
    const again = await call(translationAction, postForm(path(untranslatedId, "de"), { intent: "delete" }, agent), { id: untranslatedId, locale: "de" });
    expect(again.status).toBe(404);
  });

  it("shows authors which translations are missing, per article and per locale", async () => {
    const d = (await call(deskKbLoader, getRequest("/desk/kb", agent))).data as {
      articles: { slug: string; missingLocales: string[] }[];
      coverage: { locale: string; translated: number; published: number }[];
    };
    expect(d.articles.find((a) => a.slug === "download-invoices")?.missingLocales).toEqual(["es", "ja"]);
    expect(d.articles.find((a) => a.slug === "change-seats")?.missingLocales).toEqual(["de", "fr", "es", "ja"]);
    expect(d.coverage.find((c) => c.locale === "de")).toEqual({ locale: "de", translated: 3, outdated: 0, published: 4 });
    const missingFrench = (await call(deskKbLoader, getRequest("/desk/kb?missing=fr", agent))).data as { articles: { slug: string }[] };
    expect(missingFrench.articles.map((a) => a.slug).sort()).toEqual(["change-seats", "customer-pricing", "refund-playbook"]);
    const edit = (await call(editLoader, getRequest(`/desk/kb/articles/${pricingId}`, agent), { id: pricingId })).data as { translations: { locale: string }[] };
    expect(edit.translations.map((t) => t.locale)).toEqual(["de"]);
    expect(internalId).toBeTruthy();
  });
});
