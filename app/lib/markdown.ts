import MarkdownIt from "markdown-it";
import { isSafeLinkUrl } from "./link-safety";

/**
 * Markdown for user content: raw HTML is disabled (rendered as text) and links or images with
 * javascript:, vbscript:, data: or file: URLs are refused (left as plain text).
 */
const md = new MarkdownIt({ html: false, linkify: true, breaks: true, typographer: false });

md.validateLink = isSafeLinkUrl;

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

// Images are never loaded from user content: a remote image would let its author see who opened
// the ticket or mail, and when (a tracking pixel). It becomes a link to the image instead, as
// inbound HTML mail does (app/modules/tickets/inbound-html.ts).
md.renderer.rules.image = (tokens, idx) => {
  const token = tokens[idx]!;
  const src = token.attrGet("src") ?? "";
  const alt = token.content || token.attrGet("alt") || "";
  const label = md.utils.escapeHtml(alt ? `[image: ${alt}]` : "[image]");
  if (!/^https?:\/\//i.test(src)) return label;
  return `<a href="${md.utils.escapeHtml(src)}" rel="nofollow noopener noreferrer" target="_blank">${label}</a>`;
};

/**
 * Rendered HTML by source, most recently used last. A ticket page renders every message of its
 * thread on every request (a 100-message thread: ~0.8 ms of markdown-it per page view, the same
 * output each time), and the rendering depends on nothing but the source. Bounded by total
 * characters kept (sources and HTML); a source longer than CACHE_MAX_SOURCE is rendered uncached.
 */
const CACHE_BUDGET = 4_000_000;
const CACHE_MAX_SOURCE = 32_000;
const rendered = new Map<string, string>();
let cachedChars = 0;

export function renderMarkdown(source: string): string {
  const text = source ?? "";
  if (text.length > CACHE_MAX_SOURCE) return md.render(text);
  const hit = rendered.get(text);
  if (hit !== undefined) {
    rendered.delete(text);
    rendered.set(text, hit);
    return hit;
  }
  const html = md.render(text);
  rendered.set(text, html);
  cachedChars += text.length + html.length;
  while (cachedChars > CACHE_BUDGET) {
    const [oldest, oldHtml] = rendered.entries().next().value!;
    rendered.delete(oldest);
    cachedChars -= oldest.length + oldHtml.length;
  }
  return html;
}

/** For tests: entries and characters the render cache holds. */
export function markdownCacheSize(): { entries: number; chars: number } {
  return { entries: rendered.size, chars: cachedChars };
}

/** Plain text of a markdown source (for email text parts and snippets). */
export function markdownToText(source: string): string {
  return (source ?? "").replace(/\r\n/g, "\n").trim();
}
