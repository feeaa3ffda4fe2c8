/**
 * Help-center languages (pure; shared by loaders and components). The kb_articles row is the
 * default-language version; kb_article_translations holds the others.
 *
 * URL scheme: the default version lives at /help/articles/<slug>; a translation at
 * /help/articles/<its own slug>?lang=<locale>. Each is the canonical URL of its version.
 */

export const HELP_DEFAULT_LOCALE = "en";

/** Supported locales, in switcher order, with their own names and text-search configurations. */
export const helpLocales = [
  { code: "en", name: "English", searchConfig: "english" },
  { code: "de", name: "Deutsch", searchConfig: "german" },
  { code: "fr", name: "Français", searchConfig: "french" },
  { code: "es", name: "Español", searchConfig: "spanish" },
  // No Postgres configuration ships for Japanese: words are indexed as they are ('simple').
  { code: "ja", name: "日本語", searchConfig: "simple" },
] as const;

export type HelpLocale = (typeof helpLocales)[number]["code"];

/** The locales a translation may be written in (every supported one but the default). */
export const translationLocales = helpLocales.filter((l) => l.code !== HELP_DEFAULT_LOCALE).map((l) => l.code);

export const LANGUAGE_COOKIE = "help_lang";

export function isHelpLocale(value: unknown): value is HelpLocale {
  return typeof value === "string" && helpLocales.some((l) => l.code === value);
}

export function localeName(code: string): string {
  return helpLocales.find((l) => l.code === code)?.name ?? code;
}

/** The configuration a locale's text is indexed and searched with ('simple' for languages without one). */
export function searchConfigOf(code: string): string {
  return helpLocales.find((l) => l.code === code)?.searchConfig ?? "simple";
}

/** The canonical path of one version of an article. */
export function articlePath(slug: string, locale: string = HELP_DEFAULT_LOCALE): string {
  const path = `/help/articles/${encodeURIComponent(slug)}`;
  return locale === HELP_DEFAULT_LOCALE ? path : `${path}?lang=${locale}`;
}

/**
 * The best supported locale of an Accept-Language header ("de-CH,de;q=0.9,en;q=0.5" → "de"),
 * by quality then order; null when none is supported. q=0 excludes a language.
 */
export function localeFromAcceptLanguage(header: string | null | undefined): HelpLocale | null {
  if (!header) return null;
  const entries = header
    .split(",")
    .slice(0, 30)
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      const quality = q ? Number(q.slice(2)) : 1;
      return { base: tag.trim().toLowerCase().split("-")[0] ?? "", quality: Number.isFinite(quality) ? quality : 0, index };
    })
    .filter((e) => e.quality > 0 && e.base)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  for (const e of entries) if (isHelpLocale(e.base)) return e.base;
  return null;
}

/** The value of the language cookie in a Cookie header, when it names a supported locale. */
export function localeFromCookie(cookieHeader: string | null | undefined): HelpLocale | null {
  for (const part of (cookieHeader ?? "").split(/;\s*/)) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq) === LANGUAGE_COOKIE) {
      const value = part.slice(eq + 1);
      return isHelpLocale(value) ? value : null;
    }
  }
  return null;
}

export type LocaleSource = "query" | "cookie" | "header" | "default";

/**
 * The reader's language: `?lang=` (the switcher; persisted in a cookie), then the cookie, then
 * Accept-Language, then the default. `url`: the loader's normalized `url` argument (not `request.url`).
 */
export function readerLocale(request: Request, url: URL): { locale: HelpLocale; source: LocaleSource } {
  const fromQuery = url.searchParams.get("lang");
  if (isHelpLocale(fromQuery)) return { locale: fromQuery, source: "query" };
  const fromCookie = localeFromCookie(request.headers.get("cookie"));
  if (fromCookie) return { locale: fromCookie, source: "cookie" };
  const fromHeader = localeFromAcceptLanguage(request.headers.get("accept-language"));
  if (fromHeader) return { locale: fromHeader, source: "header" };
  return { locale: HELP_DEFAULT_LOCALE, source: "default" };
}

/** Set-Cookie for a language chosen in the switcher (a year; readable by nothing but the server). */
export function languageCookie(locale: HelpLocale, secure: boolean): string {
  return `${LANGUAGE_COOKIE}=${locale}; Path=/; Max-Age=${365 * 86400}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}
