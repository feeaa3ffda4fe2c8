import { useLocation } from "react-router";
import { useAppLinkClick } from "~/components/app-links";
import { HELP_DEFAULT_LOCALE, helpLocales, localeName } from "~/modules/kb/locales";

/**
 * The help center's language switcher: one link per language (works without JavaScript; the
 * server remembers the choice in a cookie). On an article, `links` point at each version.
 * Plain anchors with one delegated click handler (in-app navigation on a plain click): five
 * <Link>s resolved their paths with hooks on every server render of every help page.
 */
export function HelpLanguageSwitcher({ current, links }: { current: string; links?: Record<string, string> }) {
  const location = useLocation();
  const onAppLinkClick = useAppLinkClick();
  const hrefFor = (code: string) => {
    if (links?.[code]) return links[code]!;
    const params = new URLSearchParams(location.search);
    params.set("lang", code);
    params.delete("page");
    return `${location.pathname}?${params}`;
  };
  return (
    <nav aria-label="Language" className="kb-languages" onClick={onAppLinkClick}>
      <ul>
        {helpLocales.map((l) => (
          <li key={l.code}>
            <a href={hrefFor(l.code)} lang={l.code} hrefLang={l.code} aria-current={l.code === current ? "true" : undefined} data-app-link="" data-discover="true">
              {l.name}
            </a>
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
