import { describe, expect, it } from "vitest";
import { renderMarkdown } from "~/lib/markdown";

describe("images in user markdown are never loaded", () => {
  it("a remote image becomes a link to it (no tracking pixel)", () => {
    const html = renderMarkdown('Look ![logo "x"](https://tracker.example/p.gif "t") here');
    expect(html).not.toContain("<img");
    expect(html).toContain('<a href="https://tracker.example/p.gif" rel="nofollow noopener noreferrer" target="_blank">[image: logo &quot;x&quot;]</a>');
  });

  it("a relative, data: or javascript: image becomes plain text", () => {
    for (const src of ["/x.png", "data:image/png;base64,AAAA", "javascript:alert(1)"]) {
      const html = renderMarkdown(`![a<b>](${src})`);
      expect(html).not.toMatch(/<img|<a |src=|href=/);
    }
  });
});
