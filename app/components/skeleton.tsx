import { useEffect, useState } from "react";
import { useNavigation } from "react-router";

/**
 * True while a navigation to a page matching `matches` is loading for longer than `delayMs` —
 * short enough to notice, long enough that fast pages never flash a skeleton.
 */
export function usePendingNavigation(matches: (pathname: string) => boolean, delayMs = 200): boolean {
  const navigation = useNavigation();
  // Page loads and GET forms (searches, filters) only: after a POST the page stays as it is.
  const isRead = !navigation.formMethod || navigation.formMethod.toUpperCase() === "GET";
  const pending = navigation.state === "loading" && isRead && !!navigation.location && matches(navigation.location.pathname);
  const [shown, setShown] = useState(false);
  useEffect(() => {
    if (!pending) {
      setShown(false);
      return;
    }
    const timer = window.setTimeout(() => setShown(true), delayMs);
    return () => window.clearTimeout(timer);
  }, [pending, delayMs]);
  return pending && shown;
}

/** Placeholder table rows while the next page of a list loads (hidden from screen readers; the table says aria-busy). */
export function SkeletonRows({ rows = 8, columns }: { rows?: number; columns: number }) {
  return (
    <>
      {Array.from({ length: rows }, (_, r) => (
        <tr key={r} className="skeleton-row" aria-hidden="true">
          {Array.from({ length: columns }, (_, c) => (
            <td key={c}>
              <span className="skeleton" style={{ width: `${c === 1 ? 60 + ((r * 7) % 30) : 40 + ((r * 13 + c * 5) % 40)}%` }} />
            </td>
          ))}
        </tr>
      ))}
    </>
  );
}

/** A slim bar at the top of the window while any page loads (after a short delay). */
export function NavigationProgress() {
  const loading = usePendingNavigation(() => true, 300);
  return loading ? <div className="nav-progress" aria-hidden="true" /> : null;
}
