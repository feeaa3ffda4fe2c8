import { randomBytes } from "node:crypto";
import type { Executor } from "../client";
import { csatRatings, groupMembers, groups, macros, ticketEvents, ticketMessages, tickets } from "../schema";

type Status = (typeof tickets.$inferInsert)["status"];
type Priority = (typeof tickets.$inferInsert)["priority"];

export interface TicketSeedPeople {
  acme: string;
  globex: string;
  alice: string;
  bob: string;
  carol: string;
  dan: string;
  agent: string;
  agent2: string;
  admin: string;
}

const H = 3600_000;

interface SampleTicket {
  org: "acme" | "globex";
  requester: "alice" | "bob" | "carol" | "dan";
  subject: string;
  body: string;
  priority: Priority;
  status: Status;
  category: string;
  ageHours: number;
  assignee?: "agent" | "agent2";
  group?: "Technical" | "Billing";
  tags?: string[];
  thread?: { from: "customer" | "agent" | "note"; body: string; afterHours: number }[];
  rating?: "good" | "bad";
}

const samples: SampleTicket[] = [
  {
    org: "acme", requester: "alice", subject: "SSO login fails with SAML error 403", priority: "urgent", status: "open", category: "Incident", ageHours: 3,
    assignee: "agent", group: "Technical", tags: ["sso", "enterprise"],
    body: "Since this morning nobody at Acme can sign in through Okta. The IdP shows:\n\n```\nSAMLResponse rejected: audience mismatch (403)\n```\n\nWe changed nothing on our side.",
    thread: [
      { from: "note", body: "Checked the SP metadata: the entity ID changed in yesterday's deploy. Asking platform to roll back.", afterHours: 0.5 },
      { from: "agent", body: "Thanks Alice — we found the cause (a configuration change on our side) and are rolling it back now. I'll confirm within the hour.", afterHours: 0.7 },
    ],
  },
  {
    org: "acme", requester: "bob", subject: "CSV export cuts off after 10,000 rows", priority: "high", status: "new", category: "Problem", ageHours: 1,
    body: "Exporting the *Orders* report to CSV stops at exactly 10,000 rows. The UI says 14,532 results.",
  },
  {
    org: "globex", requester: "carol", subject: "How do I add a teammate to our workspace?", priority: "normal", status: "pending", category: "Question", ageHours: 26,
    assignee: "agent2", tags: ["onboarding"],
    body: "We are new to the beta. Where do I invite Dan so he can see our dashboards?",
    thread: [{ from: "agent", body: "Hi Carol! Go to **Settings → Members → Invite**, enter Dan's email and choose the *Editor* role. Could you confirm it worked?", afterHours: 2 }],
  },
  {
    org: "globex", requester: "dan", subject: "Webhook deliveries delayed by several minutes", priority: "high", status: "open", category: "Problem", ageHours: 7,
    group: "Technical", tags: ["webhooks", "beta"],
    body: "Our `order.created` webhooks arrive 3–8 minutes late since Monday. Before that it was under a second.",
    thread: [{ from: "customer", body: "Attaching timings from our receiver: median 4m12s today.", afterHours: 1 }],
  },
  {
    org: "acme", requester: "alice", subject: "Invoice shows the wrong VAT number", priority: "normal", status: "open", category: "Billing", ageHours: 50,
    assignee: "agent2", group: "Billing", tags: ["invoice"],
    body: "Our October invoice lists VAT number DE123456789 but ours is DE987654321. Please reissue it.",
    thread: [{ from: "note", body: "Finance needs the corrected number confirmed in writing before reissuing.", afterHours: 3 }],
  },
  {
    org: "acme", requester: "bob", subject: "API rate limit lower than our contract", priority: "normal", status: "on_hold", category: "Question", ageHours: 80,
    assignee: "agent", tags: ["api"],
    body: "We get HTTP 429 at 100 requests/minute; the enterprise contract says 1,000.",
    thread: [{ from: "agent", body: "You're right — I've asked our platform team to raise your limit and put this on hold until they confirm.", afterHours: 5 }],
  },
  {
    org: "globex", requester: "carol", subject: "Dashboard charts don't load in Safari", priority: "low", status: "solved", category: "Problem", ageHours: 120,
    assignee: "agent", group: "Technical", rating: "good",
    body: "Charts stay blank in Safari 17; Chrome is fine.",
    thread: [
      { from: "agent", body: "Fixed in today's release: Safari needed a polyfill for `structuredClone`. Could you reload and check?", afterHours: 20 },
      { from: "customer", body: "Works now, thank you!", afterHours: 22 },
    ],
  },
  {
    org: "acme", requester: "alice", subject: "Request: dark mode for the reports page", priority: "low", status: "solved", category: "Feature request", ageHours: 240,
    assignee: "agent2",
    body: "Our analysts work late; a dark theme for reports would help a lot.",
    thread: [{ from: "agent", body: "Good news: dark mode follows your system setting since version 4.2. Enjoy!", afterHours: 30 }],
  },
  {
    org: "globex", requester: "dan", subject: "Password reset email never arrives", priority: "normal", status: "closed", category: "Account", ageHours: 400,
    assignee: "agent", rating: "bad",
    body: "I requested a reset three times; nothing in inbox or spam.",
    thread: [{ from: "agent", body: "Your mail server rejected our sender domain; we've added SPF records. Please try again.", afterHours: 10 }],
  },
  {
    org: "acme", requester: "bob", subject: "Can we get a sandbox environment?", priority: "normal", status: "new", category: "Question", ageHours: 0.3,
    body: "Our QA team would like a sandbox to test integrations without touching production data.",
  },
];

/** Groups, macros and sample tickets with threads, built from the same tables the app uses. */
export async function seedTickets(tx: Executor, people: TicketSeedPeople, at: Date = new Date()): Promise<void> {
  const [technical, billing] = await tx
    .insert(groups)
    .values([
      { name: "Technical", description: "Bugs, outages and integrations" },
      { name: "Billing", description: "Invoices, plans and payments" },
    ])
    .returning();
  await tx.insert(groupMembers).values([
    { groupId: technical!.id, userId: people.agent },
    { groupId: technical!.id, userId: people.agent2 },
    { groupId: billing!.id, userId: people.agent2 },
  ]);
  await tx.insert(macros).values([
    {
      name: "Ask for logs",
      body: "Hi {{requester.first_name}},\n\nthanks for reporting this. Could you send us the log file from the last time it happened? That helps us find the cause quickly.\n\nBest,\n{{agent.name}}",
      setStatus: "pending",
      addTags: ["needs-logs"],
      createdById: people.admin,
    },
    {
      name: "Solved — follow-up welcome",
      body: "Hi {{requester.first_name}},\n\nI'm marking #{{ticket.number}} as solved. If anything is still not right, just reply and it opens again.\n\n{{agent.name}}",
      setStatus: "solved",
      addTags: [],
      createdById: people.admin,
    },
  ]);
  const groupIds = { Technical: technical!.id, Billing: billing!.id };
  for (const s of samples) {
    const created = new Date(at.getTime() - s.ageHours * H);
    const requesterId = people[s.requester];
    const thread = s.thread ?? [];
    const lastAt = new Date(created.getTime() + Math.max(0, ...thread.map((m) => m.afterHours)) * H);
    const firstAgent = thread.find((m) => m.from === "agent");
    const solvedAt = s.status === "solved" || s.status === "closed" ? new Date(lastAt.getTime() + H) : null;
    const [ticket] = await tx
      .insert(tickets)
      .values({
        organizationId: people[s.org],
        requesterId,
        assigneeId: s.assignee ? people[s.assignee] : null,
        groupId: s.group ? groupIds[s.group] : null,
        subject: s.subject,
        status: s.status,
        priority: s.priority,
        category: s.category,
        tags: s.tags ?? [],
        replyToken: randomBytes(12).toString("hex"),
        createdAt: created,
        updatedAt: solvedAt ?? lastAt,
        solvedAt,
        closedAt: s.status === "closed" ? solvedAt : null,
        firstRespondedAt: firstAgent ? new Date(created.getTime() + firstAgent.afterHours * H) : null,
        lastCustomerMessageAt: created,
      })
      .returning();
    const t = ticket!;
    await tx.insert(ticketMessages).values({ ticketId: t.id, authorId: requesterId, visibility: "public", channel: "web", body: s.body, createdAt: created });
    await tx.insert(ticketEvents).values({ ticketId: t.id, actorId: requesterId, at: created, type: "created", data: { channel: "web", priority: s.priority } });
    for (const m of thread) {
      const mAt = new Date(created.getTime() + m.afterHours * H);
      const authorId = m.from === "customer" ? requesterId : s.assignee ? people[s.assignee] : people.agent;
      await tx.insert(ticketMessages).values({ ticketId: t.id, authorId, visibility: m.from === "note" ? "internal" : "public", channel: "web", body: m.body, createdAt: mAt });
    }
    if (s.assignee) {
      await tx.insert(ticketEvents).values({ ticketId: t.id, actorId: people[s.assignee], at: new Date(created.getTime() + 0.2 * H), type: "assignment", data: { from: null, to: people[s.assignee] } });
    }
    if (solvedAt) {
      await tx.insert(ticketEvents).values({ ticketId: t.id, actorId: s.assignee ? people[s.assignee] : null, at: solvedAt, type: "status", data: { from: "open", to: "solved" } });
    }
    if (s.rating) {
      await tx.insert(csatRatings).values({ ticketId: t.id, userId: requesterId, rating: s.rating, comment: s.rating === "good" ? "Quick and friendly." : "Took too long.", createdAt: solvedAt ?? at });
    }
  }
}
