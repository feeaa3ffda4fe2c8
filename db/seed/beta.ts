import { eq } from "drizzle-orm";
import type { Executor } from "../client";
import { agreements, betaDeals, betaPrograms, dealActivities, dealContacts, dealStageEvents, feedbackItems, feedbackVotes, organizations } from "../schema";

type Stage = "prospect" | "demo" | "agreement" | "onboarded" | "lost";

export interface SeedBetaInput {
  /** Owner of most deals (sales@demo.test). */
  salesUserId: string;
  /** Owner of a few deals (admin@demo.test). */
  adminUserId: string;
  /** Globex (beta plan): the onboarded deal links to it so its health shows real tickets. */
  globexOrganizationId: string;
  /** Carol and Dan of Globex, already portal users: the onboarded deal's contacts. */
  globexContacts: { userId: string; name: string; email: string }[];
  now?: Date;
}

const DAY = 24 * 60 * 60 * 1000;

interface DealSpec {
  company: string;
  website: string;
  source: string;
  owner: "sales" | "admin";
  /** Stage path with the day (relative to now, negative = past) each stage was entered. */
  path: [Stage, number][];
  nextStep?: [string, number | null];
  demo?: { inDays: number; attendees: string };
  agreement?: { status: "draft" | "sent" | "signed"; signedDaysAgo?: number; consent?: "none" | "logo" | "quote" | "full" };
  lostReason?: string;
  contacts: [string, string, string][];
  activities?: ["note" | "call" | "meeting" | "email" | "task", string, number, number?][];
  organization?: "globex" | "new";
  lastActivityDaysAgo?: number;
  caseStudy?: "candidate" | "consented" | "interview";
}

const deals: DealSpec[] = [
  {
    company: "Hooli",
    website: "hooli.test",
    source: "Inbound (website)",
    owner: "sales",
    path: [["prospect", -2]],
    nextStep: ["Book the demo with Gavin", 3],
    contacts: [["Gavin Belson", "gavin@hooli.test", "CEO"]],
    activities: [["email", "Replied to the beta sign-up form; interested in SLA reporting.", -2]],
  },
  {
    company: "Pied Piper",
    website: "piedpiper.test",
    source: "Referral (Globex)",
    owner: "sales",
    path: [["prospect", -9]],
    contacts: [["Richard Hendricks", "richard@piedpiper.test", "CTO"]],
    activities: [["call", "Intro call: 40 agents, Zendesk today, contract renews in March.", -8]],
    lastActivityDaysAgo: 8,
  },
  {
    company: "Vandelay Industries",
    website: "vandelay.test",
    source: "Event (SupportConf)",
    owner: "admin",
    path: [["prospect", -18]],
    nextStep: ["Send the beta one-pager", -4],
    contacts: [["Art Vandelay", "art@vandelay.test", "Head of support"]],
    lastActivityDaysAgo: 15,
  },
  {
    company: "Soylent",
    website: "soylent.test",
    source: "Outbound",
    owner: "sales",
    path: [["prospect", -20], ["demo", -6]],
    nextStep: ["Follow up on demo questions", 2],
    demo: { inDays: -5, attendees: "Sol Green (COO), two team leads" },
    contacts: [["Sol Green", "sol@soylent.test", "COO"]],
    activities: [
      ["meeting", "Demo: liked the SLA timers, asked about business calendars per region.", -5],
      ["task", "Send the calendar configuration guide", -4, 1],
    ],
  },
  {
    company: "Wonka Industries",
    website: "wonka.test",
    source: "Inbound (website)",
    owner: "sales",
    path: [["prospect", -30], ["demo", -14]],
    nextStep: ["Second demo for the IT team", 5],
    demo: { inDays: -12, attendees: "Willy Wonka, Charlie Bucket" },
    contacts: [
      ["Charlie Bucket", "charlie@wonka.test", "Support lead"],
      ["Willy Wonka", "willy@wonka.test", "Owner"],
    ],
    activities: [["meeting", "First demo went well; security review needed.", -12]],
  },
  {
    company: "Stark Industries",
    website: "stark.test",
    source: "Partner",
    owner: "admin",
    path: [["prospect", -35], ["demo", -24], ["agreement", -8]],
    nextStep: ["Legal review of the beta terms", 4],
    demo: { inDays: -22, attendees: "Pepper Potts, Happy Hogan" },
    agreement: { status: "sent", consent: "logo" },
    contacts: [["Pepper Potts", "pepper@stark.test", "COO"]],
    activities: [["email", "Sent the beta agreement for signature.", -7]],
  },
  {
    company: "Wayne Enterprises",
    website: "wayne.test",
    source: "Referral",
    owner: "sales",
    path: [["prospect", -40], ["agreement", -10], ["demo", -6], ["agreement", -3]],
    nextStep: ["Get the signed agreement back", 2],
    demo: { inDays: -5, attendees: "Lucius Fox" },
    agreement: { status: "draft", consent: "none" },
    contacts: [["Lucius Fox", "lucius@wayne.test", "CTO"]],
    activities: [["note", "Moved back to demo: Lucius wanted to see the API first.", -6]],
  },
  {
    company: "Globex",
    website: "globex.test",
    source: "Existing customer",
    owner: "sales",
    organization: "globex",
    path: [["prospect", -62], ["demo", -50], ["agreement", -38], ["onboarded", -27]],
    nextStep: ["Monthly beta check-in", 6],
    demo: { inDays: -50, attendees: "Carol Chen, Dan Duarte" },
    agreement: { status: "signed", signedDaysAgo: 28, consent: "quote" },
    contacts: [],
    activities: [
      ["meeting", "Kick-off with Carol and Dan.", -25],
      ["call", "Check-in: happy with response times, want Slack notifications.", -6],
    ],
    caseStudy: "consented",
  },
  {
    company: "Initrode",
    website: "initrode.test",
    source: "Outbound",
    owner: "sales",
    organization: "new",
    path: [["prospect", -58], ["demo", -47], ["agreement", -33], ["onboarded", -19]],
    demo: { inDays: -46, attendees: "Bill Lumbergh" },
    agreement: { status: "signed", signedDaysAgo: 20, consent: "none" },
    contacts: [],
    activities: [["meeting", "Onboarding session for the support team.", -17]],
    caseStudy: "candidate",
  },
  {
    company: "Cyberdyne Systems",
    website: "cyberdyne.test",
    source: "Event (SupportConf)",
    owner: "admin",
    path: [["prospect", -45], ["demo", -36], ["lost", -29]],
    demo: { inDays: -35, attendees: "Miles Dyson" },
    lostReason: "Chose a competitor",
    contacts: [["Miles Dyson", "miles@cyberdyne.test", "Director of engineering"]],
  },
  {
    company: "Oscorp",
    website: "oscorp.test",
    source: "Inbound (website)",
    owner: "sales",
    path: [["prospect", -33], ["lost", -20]],
    lostReason: "No budget",
    contacts: [["Norman Osborn", "norman@oscorp.test", "CEO"]],
  },
  {
    company: "Tyrell Corporation",
    website: "tyrell.test",
    source: "Referral",
    owner: "sales",
    path: [["prospect", -50], ["demo", -40], ["agreement", -30], ["lost", -16]],
    demo: { inDays: -39, attendees: "Rachael Tyrell" },
    agreement: { status: "draft", consent: "none" },
    lostReason: "Timing not right",
    contacts: [["Rachael Tyrell", "rachael@tyrell.test", "Ops manager"]],
  },
];

/**
 * Seeds the beta program of the demo: one active program (target 5, minimum 3, deadline six
 * weeks ahead) and twelve deals across every stage with their stage history, activities,
 * agreements, and Globex's feedback. Call it inside the demo's transaction.
 */
export async function seedBeta(tx: Executor, input: SeedBetaInput): Promise<{ programId: string; hooliDealId: string }> {
  const now = input.now ?? new Date();
  const at = (days: number) => new Date(now.getTime() + days * DAY);
  const isoDay = (days: number) => at(days).toISOString().slice(0, 10);
  const [program] = await tx
    .insert(betaPrograms)
    .values({ name: "Enterprise support beta", target: 5, minimum: 3, startsOn: isoDay(-70), deadline: isoDay(42), active: true, createdAt: at(-70) })
    .returning();
  let hooliDealId = "";
  for (const spec of deals) {
    const [stage, enteredDay] = spec.path.at(-1)!;
    const ownerId = spec.owner === "sales" ? input.salesUserId : input.adminUserId;
    let organizationId: string | null = null;
    if (spec.organization === "globex") organizationId = input.globexOrganizationId;
    if (spec.organization === "new") {
      const [org] = await tx
        .insert(organizations)
        .values({ name: spec.company, domain: spec.website, plan: "beta", createdAt: at(spec.path.at(-1)![1]) })
        .returning({ id: organizations.id });
      organizationId = org!.id;
    }
    const activityDays = [...(spec.activities ?? []).map((a) => a[2]), enteredDay];
    const lastActivity = spec.lastActivityDaysAgo !== undefined ? -spec.lastActivityDaysAgo : Math.max(...activityDays);
    const [deal] = await tx
      .insert(betaDeals)
      .values({
        programId: program!.id,
        company: spec.company,
        website: spec.website,
        source: spec.source,
        ownerId,
        notes: "",
        stage,
        stageEnteredAt: at(enteredDay),
        nextStep: spec.nextStep?.[0] ?? null,
        nextStepDueAt: spec.nextStep?.[1] === null || spec.nextStep === undefined ? null : at(spec.nextStep[1]),
        demoAt: spec.demo ? at(spec.demo.inDays) : null,
        demoAttendees: spec.demo?.attendees ?? null,
        lostReason: spec.lostReason ?? null,
        organizationId,
        onboardedAt: stage === "onboarded" ? at(enteredDay) : null,
        caseStudyStage: spec.caseStudy ?? null,
        version: spec.path.length,
        lastActivityAt: at(lastActivity),
        createdAt: at(spec.path[0]![1]),
        updatedAt: at(lastActivity),
      })
      .returning({ id: betaDeals.id });
    if (spec.company === "Hooli") hooliDealId = deal!.id;
    let from: Stage | null = null;
    for (const [to, day] of spec.path) {
      await tx.insert(dealStageEvents).values({ dealId: deal!.id, fromStage: from, toStage: to, actorId: ownerId, at: at(day), note: to === "lost" ? (spec.lostReason ?? null) : null });
      from = to;
    }
    for (const [name, email, role] of spec.contacts) await tx.insert(dealContacts).values({ dealId: deal!.id, name, email, role, createdAt: at(spec.path[0]![1]) });
    if (spec.organization === "globex") {
      for (const c of input.globexContacts) {
        await tx.insert(dealContacts).values({ dealId: deal!.id, name: c.name, email: c.email, role: "Support lead", userId: c.userId, invitedAt: at(enteredDay), createdAt: at(spec.path[0]![1]) });
      }
    }
    for (const [kind, body, day, dueIn] of spec.activities ?? []) {
      await tx.insert(dealActivities).values({ dealId: deal!.id, kind, body, actorId: ownerId, at: at(day), dueAt: dueIn !== undefined ? at(day + dueIn) : null });
    }
    if (stage === "onboarded") {
      const tasks = [
        ["kickoff", "Hold the kick-off call", 3, true],
        ["portal-access", "Confirm every contact signed in to the portal", 7, true],
        ["sla-review", "Walk the customer through the beta support policy", 7, true],
        ["feedback-channel", "Introduce the feedback page and first feedback session", 14, spec.company === "Globex"],
        ["check-in", "Two-week check-in", 14, false],
      ] as const;
      for (const [key, label, due, done] of tasks) {
        await tx.insert(dealActivities).values({
          dealId: deal!.id,
          kind: "task",
          body: label,
          actorId: ownerId,
          at: at(enteredDay),
          dueAt: at(enteredDay + due),
          doneAt: done ? at(enteredDay + due - 1) : null,
          templateKey: `onboarding:${key}`,
        });
      }
    }
    if (spec.agreement) {
      await tx.insert(agreements).values({
        dealId: deal!.id,
        status: spec.agreement.status,
        terms: "Free use of the enterprise tier during the beta; weekly feedback call in the first month; 30-day notice to end.",
        sentOn: spec.agreement.status !== "draft" ? isoDay(spec.path.find((p) => p[0] === "agreement")![1] + 1) : null,
        signedOn: spec.agreement.signedDaysAgo !== undefined ? isoDay(-spec.agreement.signedDaysAgo) : null,
        betaStartsOn: spec.agreement.status === "signed" ? isoDay(enteredDay) : null,
        betaEndsOn: spec.agreement.status === "signed" ? isoDay(enteredDay + 90) : null,
        priceAfterBeta: "€900 / month, 20 % off the first year",
        feedbackObligations: "Monthly 30-minute feedback session; report defects through the portal.",
        caseStudyConsent: spec.agreement.consent ?? "none",
        updatedById: ownerId,
        updatedAt: at(enteredDay),
      });
    }
  }
  // Globex's feedback, one item listed to every beta customer, and a vote from Initrode.
  const [carol, dan] = input.globexContacts;
  const feedback = [
    { title: "Slack notifications for ticket replies", body: "We live in Slack; a message when support replies would save us checking the portal.", kind: "feature_request" as const, status: "planned" as const, isPublic: true, by: carol },
    { title: "Export the SLA report as PDF", body: "Our management wants the monthly SLA numbers as a PDF.", kind: "feature_request" as const, status: "new" as const, isPublic: false, by: dan },
    { title: "Search finds old tickets quickly", body: "The new search is great — found a 2-year-old ticket in seconds.", kind: "feedback" as const, status: "shipped" as const, isPublic: false, by: carol },
  ];
  const [initrode] = await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.domain, "initrode.test"));
  for (const [i, f] of feedback.entries()) {
    const [item] = await tx
      .insert(feedbackItems)
      .values({
        organizationId: input.globexOrganizationId,
        createdById: f.by?.userId ?? null,
        kind: f.kind,
        title: f.title,
        body: f.body,
        status: f.status,
        isPublic: f.isPublic,
        shippedAt: f.status === "shipped" ? at(-3) : null,
        shippedNotifiedAt: f.status === "shipped" ? at(-3) : null,
        createdAt: at(-20 + i * 4),
        updatedAt: at(-10 + i * 3),
      })
      .returning({ id: feedbackItems.id });
    await tx.insert(feedbackVotes).values({ feedbackItemId: item!.id, organizationId: input.globexOrganizationId, userId: f.by?.userId ?? null, createdAt: at(-20 + i * 4) });
    if (f.isPublic && initrode) await tx.insert(feedbackVotes).values({ feedbackItemId: item!.id, organizationId: initrode.id, userId: null, createdAt: at(-8) });
  }
  return { programId: program!.id, hooliDealId };
}
