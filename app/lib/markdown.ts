import MarkdownIt from "markdown-it";

/**
 * Markdown for user content: raw HTML is disabled (rendered as text) and links or images with
 * javascript:, vbscript:, data: or file: URLs are refused (left as plain text).
 */
const md = new MarkdownIt({ html: false, linkify: true, breaks: true, typographer: false });

const unsafeProtocol = /^(javascript|vbscript|data|file):/i;
// Browsers ignore control characters and whitespace inside a scheme ("java\tscript:"): strip them first.
function withoutIgnoredCharacters(url: string): string {
  let out = "";
  for (const ch of url) if (ch.charCodeAt(0) > 0x20) out += ch;
  return out;
}
md.validateLink = (url: string) => !unsafeProtocol.test(withoutIgnoredCharacters(url));

const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const token = tokens[idx]!;
  const href = token.attrGet("href") ?? "";
  if (/^https?:\/\//i.test(href)) {
    token.attrSet("rel", "nofollow noopener noreferrer");
    token.attrSet("target", "_blank");
  }
  return defaultLinkOpen(tokens, idx, options, env, self);
};

export function renderMarkdown(source: string): string {
  return md.render(source ?? "");
}

/** Plain text of a markdown source (for email text parts and snippets). */
export function markdownToText(source: string): string {
  return (source ?? "").replace(/\r\n/g, "\n").trim();
}
