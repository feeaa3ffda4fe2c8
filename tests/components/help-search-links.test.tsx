import { fireEvent, render, screen } from "@testing-library/react";
import { createRoutesStub } from "react-router";
import { describe, expect, it } from "vitest";
import HelpSearch from "~/routes/help/search";
import { searchResultsHtml, type ResultItem } from "~/modules/kb/search-results-html.server";

// The search page's results, "did you mean" and pager are plain anchors with one delegated click
// handler: a plain click still navigates inside the app (as <Link> did), a modified click is the
// browser's, and the accessible names stay as they were.

const hit = (n: number, locale = "en") => ({
  href: `/help/articles/article-${n}${locale === "en" ? "" : `?lang=${locale}`}`,
  title: `Article ${n}`,
  locale,
  categoryName: n === 1 ? "Billing" : null,
  snippetHtml: `About <mark>quasar</mark> ${n}`,
});

/** The loader's results as a .data response carries them: the server-built list and its length. */
const results = (hits: ResultItem[]) => ({ hitCount: hits.length, resultsHtml: searchResultsHtml(hits, "en") });

const base = { query: "quasar", total: 12, totalIsCapped: false, page: 1, pageSize: 10, locale: "en", suggestion: null, isCustomer: false, signedIn: false };

function renderSearch(data: Record<string, unknown>, url = "/help/search?q=quasar") {
  const Stub = createRoutesStub([
    { path: "/help/search", Component: HelpSearch as never, HydrateFallback: () => null, loader: () => data },
    { path: "/help/articles/:slug", Component: () => <h1>Article page</h1> },
    { path: "/help", Component: () => <h1>Help home</h1> },
  ]);
  render(<Stub initialEntries={[url]} />);
}

const plainClick = () => new MouseEvent("click", { bubbles: true, cancelable: true, button: 0 });

describe("help search page links", () => {
  it("renders results, their language and the pager as plain in-app links", async () => {
    renderSearch({ ...base, ...results([hit(1), hit(2, "de")]) });
    const first = await screen.findByRole("link", { name: "Article 1" });
    expect(first.getAttribute("href")).toBe("/help/articles/article-1");
    expect(first.getAttribute("hreflang")).toBe("en");
    expect(first.hasAttribute("data-discover")).toBe(true);
    expect(screen.getByRole("link", { name: "Article 2" }).getAttribute("lang")).toBe("de");
    expect(screen.getByText("In Deutsch: not yet available in English")).toBeTruthy();
    expect(screen.getByText("Billing")).toBeTruthy();
    expect(screen.getAllByText("quasar")[0]!.tagName).toBe("MARK");
    const next = screen.getByRole("link", { name: "Next →" });
    expect(next.getAttribute("href")).toBe("/help/search?q=quasar&page=2");
    expect(screen.getByRole("navigation", { name: "Result pages" }).textContent).toContain("Page 1 of 2");
  });

  it("navigates in the app on a plain click of a result", async () => {
    renderSearch({ ...base, ...results([hit(1)]) });
    const link = await screen.findByRole("link", { name: "Article 1" });
    const event = plainClick();
    fireEvent(link, event);
    expect(event.defaultPrevented).toBe(true);
    expect(await screen.findByRole("heading", { name: "Article page" })).toBeTruthy();
  });

  it("pages and follows 'did you mean' in the app", async () => {
    renderSearch({ ...base, total: 0, ...results([]), suggestion: "quasars" });
    const suggestion = await screen.findByRole("link", { name: "quasars" });
    expect(suggestion.getAttribute("href")).toBe("/help/search?q=quasars");
    expect(suggestion.closest("p")!.textContent).toBe("Did you mean quasars?");
    const event = plainClick();
    fireEvent(suggestion, event);
    expect(event.defaultPrevented).toBe(true);
  });

  it("switches the language with plain links that navigate in the app", async () => {
    const seen: string[] = [];
    const Stub = createRoutesStub([
      {
        path: "/help/search",
        Component: HelpSearch as never,
        HydrateFallback: () => null,
        loader: ({ request }: { request: Request }) => {
          seen.push(new URL(request.url).search);
          return { ...base, ...results([hit(1)]) };
        },
      },
    ]);
    render(<Stub initialEntries={["/help/search?q=quasar&page=2"]} />);
    const languages = await screen.findByRole("navigation", { name: "Language" });
    const links = [...languages.querySelectorAll("a")];
    expect(links.map((a) => [a.textContent, a.getAttribute("href"), a.getAttribute("aria-current")])).toEqual([
      ["English", "/help/search?q=quasar&lang=en", "true"],
      ["Deutsch", "/help/search?q=quasar&lang=de", null],
      ["Français", "/help/search?q=quasar&lang=fr", null],
      ["Español", "/help/search?q=quasar&lang=es", null],
      ["日本語", "/help/search?q=quasar&lang=ja", null],
    ]);
    const event = plainClick();
    fireEvent(links[1]!, event);
    expect(event.defaultPrevented).toBe(true);
    await screen.findByRole("link", { name: "Article 1" });
    await new Promise((r) => setTimeout(r, 50));
    expect(seen.at(-1)).toBe("?q=quasar&lang=de");
  });

  it("leaves a modified click to the browser", async () => {
    renderSearch({ ...base, ...results([hit(1)]) });
    const link = await screen.findByRole("link", { name: "Article 1" });
    const event = new MouseEvent("click", { bubbles: true, cancelable: true, button: 0, metaKey: true });
    let leftToBrowser: boolean | undefined;
    const after = (e: Event) => {
      leftToBrowser = !e.defaultPrevented;
      e.preventDefault();
    };
    window.addEventListener("click", after);
    fireEvent(link, event);
    window.removeEventListener("click", after);
    expect(leftToBrowser).toBe(true);
    expect(screen.queryByRole("heading", { name: "Article page" })).toBeNull();
  });
});
