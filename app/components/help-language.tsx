import { Link, useLocation } from "react-router";
import { HELP_DEFAULT_LOCALE, helpLocales, localeName } from "~/modules/kb/locales";

/**
 * The help center's language switcher: one link per language (works without JavaScript; the
 * server remembers the choice in a cookie). On an article, `links` point at each version.
 */
export function HelpLanguageSwitcher({ current, links }: { current: string; links?: Record<string, string> }) {
  const location = useLocation();
  const hrefFor = (code: string) => {
    if (links?.[code]) return links[code]!;
    const params = new URLSearchParams(location.search);
    params.set("lang", code);
    params.delete("page");
    return `${location.pathname}?${params}`;
  };
  return (
    <nav aria-label="Language" className="kb-languages">
      <ul>
        {helpLocales.map((l) => (
          <li key={l.code}>
            <Link to={hrefFor(l.code)} lang={l.code} hrefLang={l.code} aria-current={l.code === current ? "true" : undefined}>
              {l.name}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Shown when the reader's language has no translation of this article yet. */
export function HelpFallbackNotice({ wanted }: { wanted: string }) {
  return (
    <div className="alert alert-info kb-fallback" role="note">
      This article is not yet available in {localeName(wanted)}. It is shown in {localeName(HELP_DEFAULT_LOCALE)}.
    </div>
  );
}
