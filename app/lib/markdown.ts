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

export function renderMarkdown(source: string): string {
  return md.render(source ?? "");
}

/** Plain text of a markdown source (for email text parts and snippets). */
export function markdownToText(source: string): string {
  return (source ?? "").replace(/\r\n/g, "\n").trim();
}
