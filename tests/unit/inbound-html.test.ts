import { describe, expect, it } from "vitest";
import { sanitizeEmailHtml } from "~/modules/tickets/inbound-html";

describe("inbound email HTML sanitizer", () => {
  it("removes scripts and event handlers", () => {
    const out = sanitizeEmailHtml(`<p onclick="steal()">Hi<script>alert(1)</script></p><div onmouseover="x()">d</div>`);
    expect(out).toBe("<p>Hi</p><div>d</div>");
  });

  it("turns remote images into links and drops embedded ones (never loads an image)", () => {
    const out = sanitizeEmailHtml(`<img src="https://tracker.test/p.gif" alt="logo" onerror="alert(1)"><img src="data:image/png;base64,AAAA"><img src="cid:img1">`);
    expect(out).not.toMatch(/<img|onerror|data:/i);
    expect(out).toContain(`<a href="https://tracker.test/p.gif" rel="noopener noreferrer nofollow" target="_blank">[image: logo]</a>`);
    expect(out.match(/\[image\]/g)).toHaveLength(2);
  });

  it("keeps only http(s) and mailto links", () => {
    const out = sanitizeEmailHtml(
      `<a href="javascript:alert(1)">a</a><a href=" jav&#x09;ascript:alert(1)">b</a><a href="data:text/html,<script>alert(1)</script>">c</a><a href="vbscript:x">d</a><a href="//evil.test">e</a><a href="https://ok.test/x">ok</a><a href="mailto:a@b.test">m</a>`,
    );
    expect(out).not.toMatch(/javascript|data:|vbscript|evil\.test/i);
    expect(out).toContain(`href="https://ok.test/x"`);
    expect(out).toContain(`href="mailto:a@b.test"`);
  });

  it("removes iframes (with srcdoc), forms, meta refresh, styles, objects and svg", () => {
    const out = sanitizeEmailHtml(
      `<meta http-equiv="refresh" content="0;url=https://evil.test"><style>body{display:none}</style><iframe srcdoc="<script>alert(1)</script>">x</iframe>` +
        `<form action="https://evil.test"><input name="password"><button>Send</button></form><object data="x.swf"></object><svg onload="alert(1)"><a xlink:href="javascript:alert(1)">s</a></svg>` +
        `<p style="position:fixed" class="x" id="y">text</p><base href="https://evil.test/"><link rel="stylesheet" href="https://evil.test/x.css">`,
    );
    expect(out).toBe("<p>text</p>");
  });

  it("keeps ordinary formatting, lists and tables", () => {
    const html = `<h2>Title</h2><p><strong>bold</strong> <em>it</em></p><ul><li>one</li></ul><table><tr><td colspan="2">c</td></tr></table><blockquote>q</blockquote>`;
    expect(sanitizeEmailHtml(html)).toBe(html.replace("<table><tr>", "<table><tr>"));
  });

  it("can drop the quoted part of a reply", () => {
    const out = sanitizeEmailHtml(`<p>new</p><div class="gmail_quote">On … wrote:<blockquote>old</blockquote></div><blockquote type="cite">older</blockquote>`, { dropQuotes: true });
    expect(out).toBe("<p>new</p>");
  });
});
