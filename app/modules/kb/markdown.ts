/**
 * Article markdown: the same safety rules as app/lib/markdown.ts (raw HTML disabled and shown
 * as text, javascript:/vbscript:/data:/file: links refused) plus what long help articles need:
 * heading ids with anchor links, a table of contents, and images only from /uploads/ or https.
 * Pure and isomorphic: the desk editor's live preview runs it in the browser.
 */
import MarkdownIt from "markdown-it";
import { isSafeLinkUrl, withoutIgnoredCharacters } from "~/lib/link-safety";
import { slugify } from "./slug";

export interface TocEntry {
  level: 2 | 3;
  id: string;
  text: string;
}

export interface RenderedArticle {
  html: string;
  toc: TocEntry[];
}

/** Articles with at least this many h2/h3 headings get a table of contents. */
export const TOC_MIN_HEADINGS = 3;

export function isAllowedImageSource(src: string): boolean {
  const s = withoutIgnoredCharacters(src);
  return (s.startsWith("/uploads/") && !s.startsWith("//") && !s.includes("..")) || /^https:\/\/[^\s/]+/i.test(s);
}

const md = new MarkdownIt({ html: false, linkify: true, breaks: false, typographer: false });
md.validateLink = isSafeLinkUrl;

type Env = { toc?: TocEntry[]; ids?: Map<string, number> };

md.core.ruler.push("kb_heading_ids", (state) => {
  const env = state.env as Env;
  env.toc = [];
  env.ids = new Map();
  const tokens = state.tokens;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.type !== "heading_open") continue;
    const inline = tokens[i + 1];
    const text = (inline?.children ?? [])
      .filter((c) => c.type === "text" || c.type === "code_inline")
      .map((c) => c.content)
      .join("")
      .trim();
    const base = slugify(text || "section");
    const seen = env.ids.get(base) ?? 0;
    env.ids.set(base, seen + 1);
    const id = seen === 0 ? base : `${base}-${seen + 1}`;
    token.attrSet("id", id);
    const level = Number(token.tag.slice(1));
    if (level === 2 || level === 3) env.toc.push({ level, id, text });
  }
});

md.renderer.rules.heading_close = (tokens, idx, options, _env, self) => {
  const open = tokens[idx - 2];
  const id = open?.attrGet("id");
  const anchor = id ? ` <a class="heading-anchor" href="#${md.utils.escapeHtml(id)}" aria-label="Link to this section">#</a>` : "";
  return anchor + self.renderToken(tokens, idx, options);
};

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

const defaultImage = md.renderer.rules.image!;
md.renderer.rules.image = (tokens, idx, options, env, self) => {
  const token = tokens[idx]!;
  const src = token.attrGet("src") ?? "";
  const alt = self.renderInlineAsText(token.children ?? [], options, env);
  if (!isAllowedImageSource(src)) {
    return `<span class="image-refused">[image: ${md.utils.escapeHtml(alt || "not shown")}]</span>`;
  }
  token.attrSet("loading", "lazy");
  token.attrSet("referrerpolicy", "no-referrer");
  return defaultImage(tokens, idx, options, env, self);
};

// Tables scroll on small screens instead of overflowing the page.
md.renderer.rules.table_open = () => '<div class="table-scroll"><table>\n';
md.renderer.rules.table_close = () => "</table></div>\n";

export function renderArticleMarkdown(source: string): RenderedArticle {
  const env: Env = {};
  const html = md.render(source ?? "", env);
  const toc = env.toc ?? [];
  return { html, toc: toc.length >= TOC_MIN_HEADINGS ? toc : [] };
}

/** Plain text of article markdown: for meta descriptions and excerpts. */
export function articlePlainText(source: string): string {
  return (source ?? "")
    .replace(/```[\s\S]*?```/g, " ")
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/^\s{0,3}(#{1,6}|>|[-*+]|\d+\.)\s+/gm, "")
    .replace(/^\s*\|?[-:| ]+\|?\s*$/gm, " ")
    .replace(/[*_`|~]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** A meta description: the summary, or the start of the body, at most `max` characters. */
export function describeArticle(summary: string, body: string, max = 160): string {
  const text = summary.trim() || articlePlainText(body);
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(" "), max - 20))}…`;
}
