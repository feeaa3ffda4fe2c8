/** Beta pipeline vocabulary and the stage gates. Pure: no I/O. */

export const dealStages = ["prospect", "demo", "agreement", "onboarded", "lost"] as const;
export type DealStage = (typeof dealStages)[number];
/** The forward path (lost is off it). */
export const pipelineStages = ["prospect", "demo", "agreement", "onboarded"] as const;
export type PipelineStage = (typeof pipelineStages)[number];

export const stageLabels: Record<DealStage, string> = {
  prospect: "Prospect",
  demo: "Demo",
  agreement: "Agreement",
  onboarded: "Onboarded",
  lost: "Lost",
};

/** Days a deal may sit in a stage before its card turns red (amber from 75 %). */
export const stageDayLimits: Record<DealStage, number | null> = {
  prospect: 14,
  demo: 10,
  agreement: 21,
  onboarded: null,
  lost: null,
};

/** No activity for this many days makes a deal stale (per stage; null: never stale). */
export const staleAfterDays: Record<DealStage, number | null> = {
  prospect: 10,
  demo: 7,
  agreement: 7,
  onboarded: 30,
  lost: null,
};

export const lostReasons = [
  "No budget",
  "Timing not right",
  "Chose a competitor",
  "Missing feature",
  "No response",
  "Not a fit for the beta",
  "Other",
] as const;

export const caseStudyStages = ["candidate", "consented", "interview", "draft", "approved", "published"] as const;
export type CaseStudyStage = (typeof caseStudyStages)[number];
export const caseStudyLabels: Record<CaseStudyStage, string> = {
  candidate: "Candidate",
  consented: "Consented",
  interview: "Interview",
  draft: "Draft",
  approved: "Approved",
  published: "Published",
};

export const caseStudyConsents = ["none", "logo", "quote", "full"] as const;
export type CaseStudyConsent = (typeof caseStudyConsents)[number];
export const consentLabels: Record<CaseStudyConsent, string> = {
  none: "None",
  logo: "Logo only",
  quote: "Logo and quote",
  full: "Full case study",
};

export const agreementStatuses = ["draft", "sent", "signed"] as const;
export type AgreementStatus = (typeof agreementStatuses)[number];

export const activityKinds = ["note", "call", "meeting", "email", "task"] as const;
export type ActivityKind = (typeof activityKinds)[number];
export const activityLabels: Record<ActivityKind | "edit", string> = {
  note: "Note",
  call: "Call",
  meeting: "Meeting",
  email: "Email",
  task: "Task",
  edit: "Edit",
};

export const feedbackStatuses = ["new", "planned", "in_progress", "shipped", "declined"] as const;
export type FeedbackStatus = (typeof feedbackStatuses)[number];
export const feedbackStatusLabels: Record<FeedbackStatus, string> = {
  new: "New",
  planned: "Planned",
  in_progress: "In progress",
  shipped: "Shipped",
  declined: "Declined",
};

/** What the gates look at. */
export interface GateFacts {
  demoAt: Date | null;
  demoAttendees: string | null;
  agreement: { terms: string; status: AgreementStatus; signedOn: string | null } | null;
  /** Given with a move to lost. */
  lostReason?: string | null;
}

export interface GateItem {
  key: string;
  label: string;
  met: boolean;
}

/**
 * The checklist a move into `to` must satisfy. Moving back along the path (or to prospect)
 * needs nothing; every other stage needs its own items only:
 * demo: a demo date and attendees · agreement: drafted terms · onboarded: a signed date · lost: a reason.
 */
export function stageGate(to: DealStage, facts: GateFacts): GateItem[] {
  switch (to) {
    case "prospect":
      return [];
    case "demo":
      return [
        { key: "demoAt", label: "Demo date set", met: !!facts.demoAt },
        { key: "demoAttendees", label: "Demo attendees named", met: !!facts.demoAttendees?.trim() },
      ];
    case "agreement":
      return [{ key: "terms", label: "Agreement terms drafted", met: !!facts.agreement?.terms.trim() }];
    case "onboarded":
      return [{ key: "signedOn", label: "Agreement signed (signed date)", met: !!facts.agreement?.signedOn && facts.agreement.status === "signed" }];
    case "lost":
      return [{ key: "lostReason", label: "Reason for losing the deal", met: !!facts.lostReason?.trim() }];
  }
}

/** The unmet items of a gate, in words: "Demo date set and Demo attendees named". */
export function missingGateItems(items: GateItem[]): string[] {
  return items.filter((i) => !i.met).map((i) => i.label);
}

export function joinList(items: string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Whole days between two instants (floor), never negative. */
export function daysBetween(from: Date, to: Date): number {
  return Math.max(0, Math.floor((to.getTime() - from.getTime()) / DAY_MS));
}

export type Tone = "ok" | "warning" | "danger" | "neutral";

/** Days in stage against the stage's limit: ok below 75 %, warning up to the limit, danger beyond. */
export function daysInStageTone(stage: DealStage, days: number): Tone {
  const limit = stageDayLimits[stage];
  if (limit === null) return "neutral";
  if (days > limit) return "danger";
  if (days >= limit * 0.75) return "warning";
  return "ok";
}

/** Next step: danger when overdue, warning when missing (on open deals), ok otherwise. */
export function nextStepTone(deal: { stage: DealStage; nextStep: string | null; nextStepDueAt: Date | null }, now: Date): Tone {
  if (deal.stage === "lost") return "neutral";
  if (!deal.nextStep?.trim()) return deal.stage === "onboarded" ? "neutral" : "warning";
  if (deal.nextStepDueAt && deal.nextStepDueAt.getTime() < now.getTime()) return "danger";
  return "ok";
}

/** The onboarding checklist template: tasks created once per deal when it is onboarded. */
export const onboardingChecklist = [
  { key: "kickoff", label: "Hold the kick-off call", dueDays: 3 },
  { key: "portal-access", label: "Confirm every contact signed in to the portal", dueDays: 7 },
  { key: "sla-review", label: "Walk the customer through the beta support policy", dueDays: 7 },
  { key: "feedback-channel", label: "Introduce the feedback page and first feedback session", dueDays: 14 },
  { key: "check-in", label: "Two-week check-in", dueDays: 14 },
] as const;

/** The organization domain implied by a website: "https://www.Globex.com/x" → "globex.com". */
export function domainFromWebsite(website: string | null | undefined): string | null {
  if (!website?.trim()) return null;
  let v = website.trim().toLowerCase();
  if (!/^[a-z][a-z0-9+.-]*:\/\//.test(v)) v = `https://${v}`;
  try {
    const host = new URL(v).hostname.replace(/^www\./, "");
    return /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/.test(host) ? host : null;
  } catch {
    return null;
  }
}
