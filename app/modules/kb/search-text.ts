/** Pure helpers for help-center search: query normalisation, safe highlights, "did you mean". */

/** Sentinels that ts_headline puts around matches (control characters nobody types). */
export const HIGHLIGHT_START = "\u0002";
export const HIGHLIGHT_STOP = "\u0003";

const entities: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * Turns a ts_headline result into HTML: everything is escaped, then the sentinels become
 * <mark>…</mark> (balanced, never nested), so a snippet can never carry markup of its own.
 */
export function highlightToHtml(snippet: string): string {
  let open = false;
  let out = "";
  // Text between sentinels escaped a run at a time (a search page turns ten ~300-character snippets).
  // eslint-disable-next-line no-control-regex -- the sentinels are control characters on purpose
  for (const part of snippet.split(/([\u0002\u0003])/)) {
    if (part === HIGHLIGHT_START) {
      if (!open) out += "<mark>";
      open = true;
    } else if (part === HIGHLIGHT_STOP) {
      if (open) out += "</mark>";
      open = false;
    } else if (part) {
      out += part.replace(/[&<>"']/g, (ch) => entities[ch]!);
    }
  }
  if (open) out += "</mark>";
  return out;
}

/** Strips the sentinels and other control characters from anything users wrote. */
export function stripControl(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "");
}

/** What the no-result report groups by: lower-case, single spaces, trimmed. */
export function normalizeQuery(q: string): string {
  return stripControl(q).toLowerCase().replace(/\s+/g, " ").trim().slice(0, 200);
}

/** pg_trgm's trigrams of one word: lower-case, padded with two spaces before and one after. */
export function trigrams(word: string): Set<string> {
  const set = new Set<string>();
  for (const w of word.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    if (!w) continue;
    const padded = `  ${w} `;
    for (let i = 0; i + 3 <= padded.length; i++) set.add(padded.slice(i, i + 3));
  }
  return set;
}

/** pg_trgm's similarity(): shared trigrams over all distinct trigrams of both. */
export function trigramSimilarity(a: string, b: string): number {
  const x = trigrams(a);
  const y = trigrams(b);
  if (x.size === 0 || y.size === 0) return 0;
  let shared = 0;
  for (const t of x) if (y.has(t)) shared++;
  return shared / (x.size + y.size - shared);
}

export const SIMILARITY_THRESHOLD = 0.3;

/** The plain words of a websearch query that a spelling suggestion may replace (not quoted, not excluded, not "or"). */
export function correctableWords(q: string): string[] {
  const words: string[] = [];
  const re = /"[^"]*"?|\S+/g;
  for (const m of q.matchAll(re)) {
    const token = m[0];
    if (token.startsWith('"') || token.startsWith("-") || token.toLowerCase() === "or") continue;
    const w = token.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
    if (w.length >= 3 && !words.includes(w)) words.push(w);
  }
  return words;
}

/** Rebuilds the query with corrected words (same order, same operators). */
export function applyCorrections(q: string, corrections: Map<string, string>): string {
  return q.replace(/"[^"]*"?|\S+/g, (token) => {
    if (token.startsWith('"') || token.startsWith("-")) return token;
    const w = token.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
    return corrections.get(w) ?? token;
  });
}

/** Picks, for each word, the most similar vocabulary word above the threshold (JS fallback of pg_trgm). */
export function correctWords(words: string[], vocabulary: Iterable<string>, threshold = SIMILARITY_THRESHOLD): Map<string, string> {
  const vocab = [...new Set([...vocabulary].map((v) => v.toLowerCase()).filter((v) => v.length >= 3))];
  const known = new Set(vocab);
  const out = new Map<string, string>();
  for (const word of words) {
    if (known.has(word)) continue;
    let best: { w: string; s: number } | null = null;
    for (const v of vocab) {
      const s = trigramSimilarity(word, v);
      if (s >= threshold && (!best || s > best.s)) best = { w: v, s };
    }
    if (best) out.set(word, best.w);
  }
  return out;
}
