import sanitizeHtml from "sanitize-html";

/**
 * Inbound email HTML, cleaned with an allowlist before it is stored or shown: text formatting,
 * lists, tables and links only. No scripts, styles, event handlers, iframes, forms, embedded
 * objects or meta refreshes; links only to http(s) and mailto; images are never loaded (a remote
 * image becomes a link to it, an embedded data:/cid: image becomes "[image]"), so opening a mail
 * neither runs code nor tells the sender it was read.
 */
const MAX_INPUT = 1_000_000;

const allowedTags = [
  "p", "br", "div", "span", "b", "strong", "i", "em", "u", "s", "strike", "del", "ins", "mark", "small", "sub", "sup",
  "blockquote", "pre", "code", "hr", "ul", "ol", "li", "dl", "dt", "dd",
  "h1", "h2", "h3", "h4", "h5", "h6",
  "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption",
  "a",
];

/** Elements removed together with everything inside them. */
const nonTextTags = [
  "script", "style", "textarea", "option", "select", "noscript", "title", "head", "iframe", "frame", "frameset",
  "template", "object", "embed", "applet", "svg", "math", "xmp", "noembed", "noframes", "button", "canvas", "audio", "video",
];

function imageReplacement(attribs: Record<string, string>): sanitizeHtml.Tag {
  const src = (attribs.src ?? "").trim();
  const alt = (attribs.alt ?? "").replace(/\s+/g, " ").trim().slice(0, 100);
  const label = alt ? `[image: ${alt}]` : "[image]";
  if (/^https?:\/\//i.test(src)) {
    return { tagName: "a", attribs: { href: src, rel: "noopener noreferrer nofollow", target: "_blank" }, text: label };
  }
  return { tagName: "span", attribs: {}, text: label };
}

function isQuote(frame: sanitizeHtml.IFrame): boolean {
  const cls = ` ${frame.attribs.class ?? ""} `;
  return (
    (frame.tag === "blockquote" && (frame.attribs.type ?? "").toLowerCase() === "cite") ||
    cls.includes(" gmail_quote ") ||
    cls.includes(" yahoo_quoted ") ||
    frame.attribs.id === "divRplyFwdMsg" ||
    frame.attribs.id === "appendonsend"
  );
}

export function sanitizeEmailHtml(html: string, options: { dropQuotes?: boolean } = {}): string {
  const clean = sanitizeHtml(html.slice(0, MAX_INPUT), {
    allowedTags,
    nonTextTags,
    disallowedTagsMode: "discard",
    allowedAttributes: {
      a: ["href", "title", "rel", "target"],
      td: ["colspan", "rowspan"],
      th: ["colspan", "rowspan", "scope"],
      ol: ["start"],
    },
    allowedSchemes: ["http", "https", "mailto"],
    allowedSchemesByTag: {},
    allowProtocolRelative: false,
    allowedStyles: {},
    allowVulnerableTags: false,
    enforceHtmlBoundary: false,
    transformTags: {
      img: (_tagName, attribs) => imageReplacement(attribs),
      a: (_tagName, attribs) => ({
        tagName: "a",
        attribs: { ...(attribs.href ? { href: attribs.href } : {}), ...(attribs.title ? { title: attribs.title } : {}), rel: "noopener noreferrer nofollow", target: "_blank" },
      }),
    },
    exclusiveFilter: options.dropQuotes ? isQuote : undefined,
  });
  return clean.trim();
}
