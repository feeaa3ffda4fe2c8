// The ticket pages' thread and assignee options as server-built HTML strings
// (app/modules/tickets/thread-html.server.ts): the same markup React rendered from the old
// components, every text escaped, the links and badges where they were.
import { createElement as h, Fragment, type ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { relative } from "~/components/time";
import { formatDateTime } from "~/components/time-zone";
import {
  deskThreadHtml,
  describeEvent,
  optionsHtml,
  portalThreadHtml,
  timeHtml,
  type DeskThreadEvent,
  type DeskThreadMessage,
  type PortalThreadMessage,
} from "~/modules/tickets/thread-html.server";
import { withDocumentHtml } from "~/lib/document-html";

const NOW = Date.parse("2026-03-02T12:00:00Z");
const hostile = `<script>alert("x")</script> & 'quotes'`;

/** React's output with its text separators dropped, its apostrophe entity and its attribute case as ours (HTML ignores both). */
function react(node: ReactNode): string {
  return renderToStaticMarkup(node).replaceAll("<!-- -->", "").replaceAll("&#x27;", "&#39;").replaceAll(" dateTime=", " datetime=");
}

// The old components' markup (app/routes/desk/ticket.tsx and portal/ticket.tsx before the change),
// with <Link> as the plain anchor it rendered and <RelativeTime> as its <time>.
function Time({ value, zone }: { value: Date; zone: string }) {
  return h("time", { dateTime: value.toISOString(), title: formatDateTime(value, zone) }, relative(value.getTime(), NOW));
}
function OldDeskMessage({ m, number, zone }: { m: DeskThreadMessage & { createdAt: Date }; number: number; zone: string }) {
  return h(
    "li",
    { className: `message ${m.visibility === "internal" ? "message-internal" : m.fromCustomer ? "message-customer" : "message-support"}` },
    h(
      "div",
      { className: "message-meta" },
      h("strong", null, m.authorName),
      m.visibility === "internal"
        ? h("span", { className: "badge badge-warning" }, "Internal note")
        : m.fromCustomer
          ? h("span", { className: "badge" }, "Customer")
          : h("span", { className: "badge badge-accent" }, "Public reply"),
      h(Time, { value: m.createdAt, zone }),
    ),
    h("div", { className: "markdown", dangerouslySetInnerHTML: { __html: m.html } }),
    m.text !== null ? h("details", { className: "email-text" }, h("summary", null, "Plain-text version of this email"), h("pre", null, m.text)) : null,
    m.visibility === "public" && !m.fromCustomer
      ? h("p", { className: "small" }, h("a", { href: `/desk/kb/new?fromMessage=${m.id}`, "data-app-link": "", "data-discover": "true" }, "Turn this reply into a help article"))
      : null,
    m.attachments.length
      ? h(
          "ul",
          { className: "attachments", "aria-label": "Attachments" },
          m.attachments.map((a) => h("li", { key: a.id }, h("a", { href: `/desk/tickets/${number}/attachments/${a.id}`, download: true }, a.fileName))),
        )
      : null,
  );
}

const messages: (DeskThreadMessage & { createdAt: Date })[] = [
  {
    id: "m1",
    html: "<p>Hello <strong>there</strong></p>\n",
    visibility: "public",
    createdAt: new Date("2026-03-02T09:00:00Z"),
    authorName: hostile,
    fromCustomer: true,
    attachments: [{ id: "a1", fileName: `shot "1" <b>.png`, size: 2048 }],
    text: null,
  },
  {
    id: "m2",
    html: "<p>Looking into it.</p>\n",
    visibility: "public",
    createdAt: new Date("2026-03-02T09:10:00Z"),
    authorName: "Sam",
    fromCustomer: false,
    attachments: [],
    text: null,
  },
  {
    id: "m3",
    html: "<p>Legacy plan.</p>\n",
    visibility: "internal",
    createdAt: new Date("2026-03-02T09:20:00Z"),
    authorName: "Sam",
    fromCustomer: false,
    attachments: [{ id: "a2", fileName: "notes.txt", size: 10 }],
    text: null,
  },
  {
    id: "m4",
    html: "<p>Mail <em>body</em></p>",
    visibility: "public",
    createdAt: new Date("2026-03-02T11:59:50Z"),
    authorName: "Alice",
    fromCustomer: true,
    attachments: [],
    text: "\nfirst line keeps its newline\n<not a tag> & more",
  },
];

describe("deskThreadHtml", () => {
  it("is the markup the React components rendered, in time order with the events", () => {
    const events: DeskThreadEvent[] = [
      { id: 1, at: new Date("2026-03-02T09:00:00Z"), type: "created", data: { channel: "web" }, actorName: "Alice" },
      { id: 2, at: new Date("2026-03-02T09:10:00Z"), type: "assignment", data: { to: "u-sam" }, actorName: hostile },
      { id: 3, at: new Date("2026-03-02T09:15:00Z"), type: "group", data: { to: "g-billing" }, actorName: null },
      { id: 4, at: new Date("2026-03-02T09:16:00Z"), type: "status", data: { from: "new", to: "open" }, actorName: "Sam" },
    ];
    const names = new Map([
      ["u-sam", "Sam <admin>"],
      ["g-billing", "Billing"],
    ]);
    for (const zone of ["UTC", "Europe/Berlin"]) {
      const html = deskThreadHtml({ ticketNumber: 42, messages, events, names, timeZone: zone, now: NOW });
      // The old timeline: messages then events (but "created"), sorted by time; a message first on a tie.
      const old = react(
        h(
          Fragment,
          null,
          OldDeskMessage({ m: messages[0]!, number: 42, zone }),
          OldDeskMessage({ m: messages[1]!, number: 42, zone }),
          h("li", { className: "timeline-event" }, hostile, " ", "assigned the ticket to Sam <admin>", " · ", h(Time, { value: events[1]!.at as Date, zone })),
          h("li", { className: "timeline-event" }, "System", " ", "moved the ticket to Billing", " · ", h(Time, { value: events[2]!.at as Date, zone })),
          h("li", { className: "timeline-event" }, "Sam", " ", "changed status from New to Open", " · ", h(Time, { value: events[3]!.at as Date, zone })),
          OldDeskMessage({ m: messages[2]!, number: 42, zone }),
          OldDeskMessage({ m: messages[3]!, number: 42, zone }),
        ),
      );
      expect(html).toBe(old);
    }
  });

  it("escapes every text and attribute; only the sanitized message HTML is markup", () => {
    const html = deskThreadHtml({ ticketNumber: 7, messages, events: [], names: new Map(), timeZone: "UTC", now: NOW });
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;");
    expect(html).toContain(">shot &quot;1&quot; &lt;b&gt;.png</a>");
    expect(html).toContain("<pre>\n\nfirst line keeps its newline\n&lt;not a tag&gt; &amp; more</pre>");
    expect(html).toContain("<p>Hello <strong>there</strong></p>");
    // ids in URLs are encoded as well
    const odd = deskThreadHtml({ ticketNumber: 7, messages: [{ ...messages[1]!, id: `x"&y` }], events: [], names: new Map(), timeZone: "UTC", now: NOW });
    expect(odd).toContain('href="/desk/kb/new?fromMessage=x%22%26y"');
  });

  it("offers a help article only from public support replies, and marks notes", () => {
    const html = deskThreadHtml({ ticketNumber: 7, messages, events: [], names: new Map(), timeZone: "UTC", now: NOW });
    expect(html.match(/Turn this reply into a help article/g)).toHaveLength(1);
    expect(html).toContain('href="/desk/kb/new?fromMessage=m2" data-app-link="" data-discover="true"');
    expect(html.match(/Internal note/g)).toHaveLength(1);
    expect(html).toContain('<a href="/desk/tickets/7/attachments/a2" download="">notes.txt</a>');
    expect(html).toContain('<time datetime="2026-03-02T11:59:50.000Z" title="2 Mar 2026, 11:59 UTC">just now</time>');
  });

  it("describes events as before (names resolved, unknown ids and types in words)", () => {
    const names = new Map([["g1", "Billing"]]);
    expect(describeEvent({ type: "group", data: { to: "g1" } }, names)).toBe("moved the ticket to Billing");
    expect(describeEvent({ type: "assignment", data: { to: "gone" } }, names)).toBe("assigned the ticket to an agent");
    expect(describeEvent({ type: "assignment", data: { to: null } }, names)).toBe("unassigned the ticket");
    expect(describeEvent({ type: "tags", data: { added: ["a", "b"], removed: ["c"] } }, names)).toBe("added tags a, b and removed tags c");
    expect(describeEvent({ type: "some_new_thing", data: {} }, names)).toBe("some new thing");
  });
});

describe("portalThreadHtml", () => {
  it("is the markup the portal's components rendered", () => {
    const pm: (PortalThreadMessage & { createdAt: Date })[] = [
      { id: "p1", html: "<p>Help</p>", createdAt: new Date("2026-03-01T09:00:00Z"), authorName: "Alice", fromSupport: false, mine: true, attachments: [{ id: "a1", fileName: hostile, size: 100 }] },
      { id: "p2", html: "<p>Done</p>", createdAt: new Date("2026-03-02T09:00:00Z"), authorName: hostile, fromSupport: true, mine: false, attachments: [{ id: "a2", fileName: "big.log", size: 5 * 1024 * 1024 }] },
    ];
    const old = react(
      pm.map((m) =>
        h(
          "li",
          { key: m.id, className: `message ${m.fromSupport ? "message-support" : "message-customer"}` },
          h("div", { className: "message-meta" }, h("strong", null, m.mine ? "You" : m.authorName), m.fromSupport ? h("span", { className: "badge badge-accent" }, "Support team") : null, h(Time, { value: m.createdAt, zone: "America/New_York" })),
          h("div", { className: "markdown", dangerouslySetInnerHTML: { __html: m.html } }),
          m.attachments.length
            ? h(
                "ul",
                { className: "attachments", "aria-label": "Attachments" },
                m.attachments.map((a) =>
                  h("li", { key: a.id }, h("a", { href: `/portal/tickets/9/attachments/${a.id}`, download: true }, a.fileName), " ", h("span", { className: "muted" }, "(", Math.max(1, Math.round(a.size / 1024)), " KB)")),
                ),
              )
            : null,
        ),
      ),
    );
    expect(portalThreadHtml({ ticketNumber: 9, messages: pm, timeZone: "America/New_York", now: NOW })).toBe(old);
  });
});

describe("optionsHtml and timeHtml", () => {
  it("marks the selected option and escapes labels and values", () => {
    expect(optionsHtml([{ value: "", label: "Unassigned" }, { value: "u1", label: hostile }, { value: `u"2`, label: "Bo" }], "u1")).toBe(
      `<option value="">Unassigned</option><option value="u1" selected="">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;</option><option value="u&quot;2">Bo</option>`,
    );
    expect(optionsHtml([{ value: "", label: "None" }], "")).toBe('<option value="" selected="">None</option>');
  });

  it("writes the relative time with the exact time in the viewer's zone", () => {
    expect(timeHtml("2026-03-02T09:00:00.000Z", "Europe/Berlin", NOW)).toBe('<time datetime="2026-03-02T09:00:00.000Z" title="2 Mar 2026, 10:00 CET">3 hours ago</time>');
  });
});

describe("withDocumentHtml", () => {
  it("leaves the markup out of a document's serialized data and keeps it for the server render", () => {
    const doc = withDocumentHtml({ documentRender: true }, { a: 1 }, { threadHtml: "<li>x</li>" });
    expect(JSON.parse(JSON.stringify(doc))).toEqual({ a: 1, threadHtml: null });
    expect(Object.keys(doc)).toEqual(["a", "threadHtml"]); // what turbo-stream encodes
    expect(Object.getOwnPropertySymbols(doc).map((s) => (doc as unknown as Record<symbol, unknown>)[s])).toEqual([{ threadHtml: "<li>x</li>" }]);
  });

  it("sends the markup with the data of a .data request, and when the context does not say", () => {
    for (const context of [{ documentRender: false }, {}, undefined]) {
      const d = withDocumentHtml(context, { a: 1 }, { threadHtml: "<li>x</li>" });
      expect(d).toEqual({ a: 1, threadHtml: "<li>x</li>" });
      expect(Object.getOwnPropertySymbols(d)).toEqual([]);
    }
  });
});
