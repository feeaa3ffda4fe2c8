/** Link rules shared by every markdown renderer (tickets, help articles). Pure; runs in the browser too. */
const unsafeProtocol = /^(javascript|vbscript|data|file):/i;

/** Browsers ignore control characters and whitespace inside a scheme ("java\tscript:"): strip them first. */
export function withoutIgnoredCharacters(url: string): string {
  let out = "";
  for (const ch of url) if (ch.charCodeAt(0) > 0x20) out += ch;
  return out;
}

/** False for javascript:, vbscript:, data: and file: URLs, however they are disguised. */
export function isSafeLinkUrl(url: string): boolean {
  return !unsafeProtocol.test(withoutIgnoredCharacters(url));
}
