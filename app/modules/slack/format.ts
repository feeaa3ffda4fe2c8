/** Text between Slack's mrkdwn and the portal's markdown (pure). */

const entities: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">" };

/**
 * A Slack message as markdown: links `<url|label>` → `[label](url)`, `<url>` → url, user
 * mentions through `names` (`<@U123>` → `@Jane`), channel mentions `<#C1|name>` → `#name`,
 * `<!here>` → `@here`, *bold* → **bold**, ~strike~ → ~~strike~~, entities unescaped.
 */
export function slackToMarkdown(text: string, names: Record<string, string> = {}): string {
  let out = text.replace(/<([^<>]+)>/g, (_m, inner: string) => {
    const [target, label] = inner.split("|", 2) as [string, string | undefined];
    if (target.startsWith("@")) return `@${label ?? names[target.slice(1)] ?? target.slice(1)}`;
    if (target.startsWith("#")) return `#${label ?? target.slice(1)}`;
    if (target.startsWith("!")) return `@${(label ?? target.slice(1)).replace(/^subteam\^\w+$/, "team")}`;
    if (/^mailto:/i.test(target)) {
      const address = target.slice("mailto:".length);
      return label && label !== address ? `[${label}](${target})` : address;
    }
    if (/^https?:/i.test(target)) return label && label !== target ? `[${label}](${target})` : target;
    return label ?? target;
  });
  // *bold* (Slack) → **bold**; leave list bullets ("* item") alone.
  out = out.replace(/(^|[\s(])\*([^*\n]+?)\*(?=[\s).,!?:;]|$)/gm, "$1**$2**");
  out = out.replace(/(^|[\s(])~([^~\n]+?)~(?=[\s).,!?:;]|$)/gm, "$1~~$2~~");
  return out.replace(/&(amp|lt|gt);/g, (m) => entities[m] ?? m).trim();
}

/** Escapes text we did not write for Slack (&, <, > are control characters there). */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * An agent's markdown reply as Slack mrkdwn: **bold** → *bold*, [label](url) → <url|label>,
 * headings → bold lines, ~~strike~~ → ~strike~; code blocks pass through untouched.
 */
export function markdownToSlack(markdown: string): string {
  const parts = markdown.split(/(```[\s\S]*?```|`[^`\n]*`)/g);
  return parts
    .map((part, i) => {
      if (i % 2 === 1) return part;
      let s = escapeSlack(part);
      s = s.replace(/\[([^\]\n]+)\]\((https?:\/\/[^\s)]+|mailto:[^\s)]+)\)/g, (_m, label: string, url: string) => `<${url.replace(/&amp;/g, "&")}|${label}>`);
      s = s.replace(/^#{1,6}\s+(.+)$/gm, "*$1*");
      s = s.replace(/\*\*([^*\n]+)\*\*/g, "*$1*").replace(/__([^_\n]+)__/g, "*$1*");
      s = s.replace(/~~([^~\n]+)~~/g, "~$1~");
      return s;
    })
    .join("");
}

/** A ticket subject from a Slack message: its first non-empty line, plain, at most 120 characters. */
export function subjectFromSlack(markdown: string): string {
  const line =
    markdown
      .split("\n")
      .map((l) => l.replace(/[*_~`>#]+/g, "").replace(/\[([^\]]*)\]\([^)]*\)/g, "$1").trim())
      .find((l) => l.length > 0) ?? "";
  if (!line) return "Message from Slack";
  return line.length > 120 ? `${line.slice(0, 119).trimEnd()}…` : line;
}
