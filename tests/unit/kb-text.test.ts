import { describe, expect, it } from "vitest";
import { diffLines, diffStats } from "~/modules/kb/diff";
import { articlePlainText, describeArticle, isAllowedImageSource, renderArticleMarkdown } from "~/modules/kb/markdown";
import {
  applyCorrections,
  correctableWords,
  correctWords,
  highlightToHtml,
  HIGHLIGHT_START as S,
  HIGHLIGHT_STOP as E,
  normalizeQuery,
  trigramSimilarity,
} from "~/modules/kb/search-text";
import { isValidSlug, slugify } from "~/modules/kb/slug";
import { canReadArticle, readableVisibilities, visitorKeyOf } from "~/modules/kb/visibility";

describe("visibility", () => {
  it("signed out sees public; customers add customers-only; staff see all", () => {
    expect(readableVisibilities(null)).toEqual(["public"]);
    expect(readableVisibilities({ id: "1", role: "customer" })).toEqual(["public", "customers"]);
    for (const role of ["agent", "sales", "admin"] as const) expect(readableVisibilities({ id: "1", role })).toEqual(["public", "customers", "internal"]);
    expect(canReadArticle({ id: "1", role: "admin" }, { status: "draft", visibility: "public" })).toBe(false);
    expect(canReadArticle(null, { status: "published", visibility: "customers" })).toBe(false);
  });

  it("keys votes by user, else by a well-formed browser id", () => {
    expect(visitorKeyOf("u1", "abcdefghijklmnopqrst")).toBe("u:u1");
    expect(visitorKeyOf(null, "abcdefghijklmnopqrst")).toBe("a:abcdefghijklmnopqrst");
    expect(visitorKeyOf(null, "short")).toBeNull();
    expect(visitorKeyOf(null, "x; Path=/; evil=1234567890")).toBeNull();
  });
});

describe("slugs", () => {
  it("makes stable ASCII slugs", () => {
    expect(slugify("Set up SAML single sign-on (Okta)!")).toBe("set-up-saml-single-sign-on-okta");
    expect(slugify("Über Größe café")).toBe("uber-grosse-cafe");
    expect(slugify("<script>")).toBe("script");
    expect(slugify("!!!")).toBe("article");
    expect(slugify("a".repeat(200)).length).toBeLessThanOrEqual(80);
    expect(isValidSlug("ok-slug-2")).toBe(true);
    expect(isValidSlug("Bad Slug")).toBe(false);
    expect(isValidSlug("../etc")).toBe(false);
  });
});

describe("article markdown", () => {
  const long = "Intro\n\n## Install\n\ntext\n\n### On Linux\n\n```bash\ncurl x | sh\n```\n\n## Install\n\n| a | b |\n| - | - |\n| 1 | 2 |\n\n## Check";
  it("adds heading ids with anchors and a table of contents for long articles", () => {
    const { html, toc } = renderArticleMarkdown(long);
    expect(toc).toEqual([
      { level: 2, id: "install", text: "Install" },
      { level: 3, id: "on-linux", text: "On Linux" },
      { level: 2, id: "install-2", text: "Install" },
      { level: 2, id: "check", text: "Check" },
    ]);
    expect(html).toContain('<h2 id="install">Install <a class="heading-anchor" href="#install" aria-label="Link to this section">#</a></h2>');
    expect(html).toContain('<div class="table-scroll"><table>');
    expect(html).toContain('<code class="language-bash">');
    expect(renderArticleMarkdown("## One\n\n## Two").toc).toEqual([]);
  });

  it("disables raw HTML, refuses unsafe links and images outside /uploads or https", () => {
    const { html } = renderArticleMarkdown(
      '<script>alert(1)</script> <img src=x onerror=alert(1)>\n\n[a](javascript:alert(1)) [b](java\tscript:alert(1)) [c](https://ok.test)\n\n![d](http://plain.test/x.png) ![e](https://cdn.test/e.png) ![f](/uploads/f.png) ![g](data:image/png;base64,xx) ![h](/uploads/../secret)',
    );
    expect(html).not.toMatch(/<script|<img src="x"|href="java/i);
    expect(html).toContain("&lt;script&gt;");
    expect(html).toContain('<a href="https://ok.test" rel="nofollow noopener noreferrer" target="_blank">c</a>');
    expect(html).toContain('<img src="https://cdn.test/e.png" alt="e" loading="lazy" referrerpolicy="no-referrer">');
    expect(html).toContain('<img src="/uploads/f.png"');
    expect(html).toContain('<span class="image-refused">[image: d]</span>');
    expect(html).not.toContain("plain.test");
    expect(html).not.toContain("/uploads/../secret");
    expect(isAllowedImageSource("//evil.test/x.png")).toBe(false);
    // A heading whose text is a payload gets a harmless id and escaped text.
    const heading = renderArticleMarkdown('## "><script>x</script>\n\n## b\n\n## c');
    expect(heading.html).toContain('id="script-x-script"');
    expect(heading.toc[0]!.text).toBe('"><script>x</script>');
  });

  it("describes an article from its summary or its first words", () => {
    expect(describeArticle("Short summary.", "body")).toBe("Short summary.");
    expect(describeArticle("", "## Heading\n\nSome **bold** text with [a link](https://x.test) and `code`.")).toBe("Heading Some bold text with a link and code .");
    expect(describeArticle("", "word ".repeat(100)).length).toBeLessThanOrEqual(160);
    expect(articlePlainText("```\ncode\n```\nafter")).toBe("after");
  });
});

describe("search text helpers", () => {
  it("turns ts_headline sentinels into balanced <mark> and escapes the rest", () => {
    expect(highlightToHtml(`a ${S}b${E} <c> & "d"`)).toBe('a <mark>b</mark> &lt;c&gt; &amp; &quot;d&quot;');
    expect(highlightToHtml(`${S}${S}x${E}${E} ${S}open`)).toBe("<mark>x</mark> <mark>open</mark>");
    expect(highlightToHtml(`<mark>fake</mark>`)).toBe("&lt;mark&gt;fake&lt;/mark&gt;");
  });

  it("normalizes queries for the no-result report", () => {
    expect(normalizeQuery("  Export   CSV\u0002 ")).toBe("export csv");
  });

  it("computes pg_trgm's similarity and corrects only plain words", () => {
    expect(trigramSimilarity("word", "word")).toBe(1);
    expect(trigramSimilarity("webhok", "webhooks")).toBeCloseTo(5 / 11, 5);
    expect(trigramSimilarity("", "x")).toBe(0);
    expect(correctableWords('webhok "exact phrse" -excluded or sso x')).toEqual(["webhok", "sso"]);
    const corrections = correctWords(["webhok", "sso"], ["webhooks", "sso", "slack"]);
    expect([...corrections]).toEqual([["webhok", "webhooks"]]);
    expect(applyCorrections('Webhok "exact phrse" -webhok', corrections)).toBe('webhooks "exact phrse" -webhok');
  });
});

describe("line diff", () => {
  it("marks added, removed and unchanged lines with both line numbers", () => {
    const lines = diffLines("a\nb\nc\nd", "a\nB\nc\nd\ne");
    expect(lines.map((l) => `${l.type[0]}${l.oldNumber ?? "-"}:${l.newNumber ?? "-"} ${l.text}`)).toEqual(["s1:1 a", "r2:- b", "a-:2 B", "s3:3 c", "s4:4 d", "a-:5 e"]);
    expect(diffStats(lines)).toEqual({ added: 2, removed: 1 });
  });

  it("handles empty sides, CRLF and identical texts", () => {
    expect(diffLines("", "x\ny").map((l) => l.type)).toEqual(["added", "added"]);
    expect(diffLines("x", "").map((l) => l.type)).toEqual(["removed"]);
    expect(diffLines("a\r\nb", "a\nb").every((l) => l.type === "same")).toBe(true);
  });

  it("stays fast on long articles", () => {
    const before = Array.from({ length: 3000 }, (_, i) => `line ${i}`).join("\n");
    const after = before.replace("line 10\n", "").replace("line 2000", "changed") + "\nend";
    const started = performance.now();
    const stats = diffStats(diffLines(before, after));
    expect(stats).toEqual({ added: 2, removed: 2 });
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
