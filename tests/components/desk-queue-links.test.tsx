import { fireEvent, render, screen } from "@testing-library/react";
import { createRoutesStub } from "react-router";
import { describe, expect, it } from "vitest";
import DeskQueue from "~/routes/desk/queue";

// The queue's ticket links are plain anchors with one delegated handler on the table body: a
// plain click must still navigate inside the app (as <Link> did), a modified click is left to
// the browser.

const row = (number: number) => ({
  number,
  subject: `Subject ${number}`,
  status: "open" as const,
  priority: "normal" as const,
  tags: [],
  updatedAt: new Date("2026-11-24T07:00:00Z"),
  organizationName: "Acme",
  requesterName: "Alice",
  assigneeName: null,
  snippetHtml: null,
  slaDueAt: null,
  slaWarned: false,
});

const loaderData = {
  movableGroupIds: null,
  inboxCount: 0,
  viewParam: "unassigned",
  view: "unassigned",
  title: "Unassigned",
  filters: null,
  filterErrors: {},
  savedViewId: null,
  counts: { unassigned: 2, mine: 0, "my-groups": 0, "all-open": 2, pending: 0, "recently-solved": 0, "breaching-soon": 0, breached: 0 },
  saved: [],
  options: { agents: [{ id: "a1", name: "Sam" }], groups: [] },
  organizations: [],
  tickets: [row(101), row(102)],
  nextCursor: null,
  query: { sort: "due", q: "" },
  serverNow: "2026-11-24T08:00:00.000Z",
  viewerTimeZone: null,
};

function renderQueue() {
  const Stub = createRoutesStub([
    { path: "/desk", Component: DeskQueue as never, HydrateFallback: () => null, loader: () => loaderData },
    { path: "/desk/tickets/:number", Component: () => <h1>Ticket page</h1> },
  ]);
  render(<Stub initialEntries={["/desk"]} />);
}

describe("desk queue row links", () => {
  it("renders each ticket as a plain link to its page", async () => {
    renderQueue();
    const link = await screen.findByRole("link", { name: /#101 Subject 101/ });
    expect(link.getAttribute("href")).toBe("/desk/tickets/101");
    expect(link.hasAttribute("data-discover")).toBe(true);
  });

  it("navigates in the app on a plain click", async () => {
    renderQueue();
    const link = await screen.findByRole("link", { name: /#102 Subject 102/ });
    const event = new MouseEvent("click", { bubbles: true, cancelable: true, button: 0 });
    fireEvent(link, event);
    expect(event.defaultPrevented).toBe(true);
    expect(await screen.findByRole("heading", { name: "Ticket page" })).toBeTruthy();
  });

  it("leaves a modified click to the browser", async () => {
    renderQueue();
    const link = await screen.findByRole("link", { name: /#101 Subject 101/ });
    const event = new MouseEvent("click", { bubbles: true, cancelable: true, button: 0, ctrlKey: true });
    // What the queue decided, seen after its handler; then stop jsdom's own navigation.
    let leftToBrowser: boolean | undefined;
    const after = (e: Event) => {
      leftToBrowser = !e.defaultPrevented;
      e.preventDefault();
    };
    window.addEventListener("click", after);
    fireEvent(link, event);
    window.removeEventListener("click", after);
    expect(leftToBrowser).toBe(true);
    expect(screen.queryByRole("heading", { name: "Ticket page" })).toBeNull();
  });
});
