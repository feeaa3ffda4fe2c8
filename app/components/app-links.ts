import type { MouseEvent } from "react";
import { useNavigate } from "react-router";

/**
 * One click handler for the plain in-app anchors (`<a href data-app-link>`) inside server-built
 * markup: a plain left click navigates in the app as a <Link> would; modified clicks (new tab,
 * download, …) are left to the browser, and without JavaScript the anchor is an ordinary link.
 */
export function useAppLinkClick(): (e: MouseEvent<HTMLElement>) => void {
  const navigate = useNavigate();
  return (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = (e.target as HTMLElement).closest?.("a[data-app-link]");
    if (!a) return;
    e.preventDefault();
    void navigate(a.getAttribute("href")!);
  };
}
