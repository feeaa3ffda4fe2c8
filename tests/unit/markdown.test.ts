import { describe, expect, it } from "vitest";
import { renderMarkdown } from "~/lib/markdown";
import { highlightToHtml, HIGHLIGHT_START, HIGHLIGHT_STOP } from "~/lib/html";

describe("markdown for user content", () => {
  it("renders formatting, code and tables", () => {
    const html = renderMarkdown("**bold** `code`\n\n| a | b |\n| - | - |\n| 1 | 2 |");
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toContain("<code>code</code>");
    expect(html).toContain("<table>");
  });

  it.each([
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<meta http-equiv="refresh" content="0;url=https://evil.test">',
    "<svg onload=alert(1)>",
  ])("keeps raw HTML as text: %s", (payload) => {
    const html = renderMarkdown(payload);
    expect(html).not.toMatch(/<(script|img|iframe|meta|svg)\b/i);
    expect(html).toContain("&lt;");
  });

  it.each(["javascript:alert(1)", "JAVASCRIPT:alert(1)", "java\tscript:alert(1)", "vbscript:msgbox(1)", "data:text/html;base64,PHNjcmlwdD4=", "file:///etc/passwd"])(
    "refuses unsafe link %s",
    (href) => {
      const html = renderMarkdown(`[click](${href}) ![img](${href})`);
      expect(html).not.toMatch(/href=|src=/);
    },
  );

  it("keeps safe links, opening external ones in a new tab without referrer", () => {
    const html = renderMarkdown("[docs](https://example.com/docs) [local](/help)");
    expect(html).toContain('href="https://example.com/docs" rel="nofollow noopener noreferrer" target="_blank"');
    expect(html).toContain('href="/help"');
  });

  it("turns search highlights into escaped HTML with marks", () => {
    expect(highlightToHtml(`a <b> ${HIGHLIGHT_START}hit${HIGHLIGHT_STOP} & c`)).toBe("a &lt;b&gt; <mark>hit</mark> &amp; c");
  });
});
