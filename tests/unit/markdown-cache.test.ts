import { describe, expect, it } from "vitest";
import { markdownCacheSize, renderMarkdown } from "~/lib/markdown";

describe("renderMarkdown's cache", () => {
  it("answers a repeated source with the same HTML as its first rendering", () => {
    const sources = ["**bold** and https://example.test", "[x](javascript:alert(1))", "![pixel](https://tracker.test/p.gif)", "line one\nline two", "", "<script>alert(1)</script>"];
    const first = sources.map((s) => renderMarkdown(s));
    // Interleaved, repeated, in another order: always the same answer per source.
    for (let round = 0; round < 3; round++) {
      for (const [i, s] of [...sources.entries()].reverse()) expect(renderMarkdown(s)).toBe(first[i]);
    }
    expect(first[0]).toContain('<a href="https://example.test" rel="nofollow noopener noreferrer" target="_blank">');
    expect(first[1]).not.toContain("href=");
    expect(first[2]).not.toContain("<img");
    expect(first[3]).toBe("<p>line one<br>\nline two</p>\n");
    expect(first[5]).toContain("&lt;script&gt;");
  });

  it("stays within its character budget and still renders what it evicted", () => {
    const early = renderMarkdown("# the first of many");
    for (let i = 0; i < 3000; i++) renderMarkdown(`message ${i} ${"lorem ipsum ".repeat(200)}`);
    const { chars, entries } = markdownCacheSize();
    expect(chars).toBeLessThanOrEqual(4_000_000);
    expect(entries).toBeLessThan(3000);
    expect(renderMarkdown("# the first of many")).toBe(early);
  });

  it("renders a very long source without keeping it", () => {
    const before = markdownCacheSize().entries;
    const long = `*${"a".repeat(40_000)}*`;
    expect(renderMarkdown(long)).toBe(`<p><em>${"a".repeat(40_000)}</em></p>\n`);
    expect(markdownCacheSize().entries).toBe(before);
  });
});
