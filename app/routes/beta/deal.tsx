import { Form, Link, redirect, useSearchParams } from "react-router";
import type { Route } from "./+types/deal";
import { HealthBadge } from "~/components/beta-health";
import { LostReasonForm } from "~/components/beta-board";
import { BetaExitPanel } from "~/components/beta-exit";
import { Field, FormError, SubmitButton } from "~/components/form";
import { RelativeTime } from "~/components/time";
import { formFailure, parseForm, readForm, type FormFailure } from "~/lib/forms";
import { now } from "~/lib/clock";
import { notFound, requirePermission } from "~/modules/auth/guard.server";
import { can } from "~/modules/auth/permissions";
import {
  addContact,
  DealError,
  dealActivitiesOf,
  dealContactsOf,
  dealStageHistory,
  gateFactsOf,
  getAgreement,
  getDeal,
  logActivity,
  moveDeal,
  organizationSummary,
  ownerOptions,
  removeContact,
  saveAgreement,
  setCaseStudyStage,
  setTaskDone,
  updateDeal,
} from "~/modules/beta/deals.server";
import { activitySchema, agreementSchema, caseStudySchema, contactSchema, dealEditSchema, moveSchema, nextStepSchema } from "~/modules/beta/forms";
import { healthFor } from "~/modules/beta/health.server";
import { decisionNeeded, exitDecisionOf, recordExitDecision } from "~/modules/beta/exit.server";
import { exitDecisionSchema } from "~/modules/beta/goal-forms";
import {
  activityKinds,
  activityLabels,
  agreementStatuses,
  caseStudyConsents,
  caseStudyLabels,
  caseStudyStages,
  consentLabels,
  dealStages,
  stageGate,
  stageLabels,
  type DealStage,
} from "~/modules/beta/model";

export const meta: Route.MetaFunction = ({ data }) => [{ title: `${data && "deal" in data && data.deal ? data.deal.company : "Deal"} · Beta program · Support Portal` }];

const DOCUMENT_MAX_BYTES = 10 * 1024 * 1024;
const documentTypes = /\.(pdf|docx?|odt|txt|png|jpe?g)$/i;

export async function loader({ url, context, params }: Route.LoaderArgs) {
  const user = requirePermission(url, context, "read:deal-health");
  const deal = await getDeal(params.id);
  if (!deal) notFound("There is no such deal.");
  const health = deal.organizationId ? ((await healthFor([deal.organizationId])).get(deal.organizationId) ?? null) : null;
  const healthView = health
    ? {
        level: health.health.level,
        reasons: health.health.reasons,
        openTickets: health.openTickets,
        breaches30d: health.breaches30d,
        atRisk: health.atRisk,
        csatPercent: health.health.csatPercent,
        csatRatings: health.csatGood30d + health.csatBad30d,
        lastContactAt: health.lastContactAt?.toISOString() ?? null,
      }
    : null;
  const org = await organizationSummary(deal.organizationId);
  if (!can(user, "manage:beta")) {
    // Agents read the support-health panel only.
    return { full: false as const, company: deal.company, stage: deal.stage, organization: org, health: healthView };
  }
  const [agreement, contacts, activities, history, owners, decision] = await Promise.all([
    getAgreement(deal.id),
    dealContactsOf(deal.id),
    dealActivitiesOf(deal.id),
    dealStageHistory(deal.id),
    ownerOptions(),
    exitDecisionOf(deal.id),
  ]);
  const today = now().toISOString().slice(0, 10);
  const facts = gateFactsOf(deal, agreement);
  const gates = dealStages.filter((s) => s !== deal.stage && s !== "lost").map((s) => ({ stage: s, items: stageGate(s, facts) }));
  const timeline = [
    ...activities.map(({ activity: a, actorName }) => ({
      id: a.id,
      kind: a.kind as string,
      at: a.at.toISOString(),
      actorName,
      body: a.body,
      dueAt: a.dueAt?.toISOString() ?? null,
      doneAt: a.doneAt?.toISOString() ?? null,
    })),
    ...history.map(({ event: e, actorName }) => ({
      id: `stage-${e.id}`,
      kind: "stage",
      at: e.at.toISOString(),
      actorName,
      body: e.fromStage ? `Moved from ${stageLabels[e.fromStage]} to ${stageLabels[e.toStage]}${e.note ? ` (${e.note})` : ""}` : `Created in ${stageLabels[e.toStage]}`,
      dueAt: null,
      doneAt: null,
    })),
  ].sort((a, b) => b.at.localeCompare(a.at));
  return {
    full: true as const,
    now: now().getTime(),
    deal: {
      ...deal,
      demoAt: deal.demoAt?.toISOString() ?? null,
      nextStepDueAt: deal.nextStepDueAt?.toISOString() ?? null,
      stageEnteredAt: deal.stageEnteredAt.toISOString(),
    },
    organization: org,
    agreement: agreement
      ? { ...agreement, documentData: undefined, hasDocument: !!agreement.documentName, updatedAt: agreement.updatedAt.toISOString() }
      : null,
    contacts: contacts.map((c) => ({ id: c.id, name: c.name, email: c.email, role: c.role, invitedAt: c.invitedAt?.toISOString() ?? null, linked: !!c.userId })),
    timeline,
    owners,
    gates,
    health: healthView,
    today,
    exit:
      deal.stage === "onboarded" || decision
        ? {
            needed: decisionNeeded(deal, agreement?.betaEndsOn, !!decision, today),
            betaEndsOn: agreement?.betaEndsOn ?? null,
            decision: decision
              ? { outcome: decision.outcome, plan: decision.plan, decidedOn: decision.decidedOn, price: decision.price, churnReason: decision.churnReason, note: decision.note }
              : null,
          }
        : null,
  };
}

export async function action({ request, url, context, params }: Route.ActionArgs) {
  const user = requirePermission(url, context, "manage:beta");
  const actor = { id: user.id, name: user.name };
  const dealId = params.id;
  const deal = await getDeal(dealId);
  if (!deal) notFound("There is no such deal.");
  const length = Number(request.headers.get("content-length") ?? "0");
  if (length > DOCUMENT_MAX_BYTES + 256 * 1024) return formFailure(null, { document: "The document is larger than 10 MB." }, "The document is larger than 10 MB.", 413);
  const form = await readForm(request);
  const intent = String(form.get("intent") ?? "");
  const back = (flash: string) => redirect(`/beta/deals/${dealId}?saved=${encodeURIComponent(flash)}`);
  try {
    switch (intent) {
      case "edit": {
        const parsed = parseForm(form, dealEditSchema);
        if (!parsed.success) return parsed.response;
        const { intent: _i, version, ...changes } = parsed.data;
        void _i;
        await updateDeal(actor, dealId, version, changes);
        return back("Deal saved.");
      }
      case "next-step": {
        const parsed = parseForm(form, nextStepSchema);
        if (!parsed.success) return parsed.response;
        await updateDeal(actor, dealId, parsed.data.version, { nextStep: parsed.data.nextStep, nextStepDueAt: parsed.data.nextStep ? parsed.data.nextStepDue : null });
        return back("Next step saved.");
      }
      case "add-contact": {
        const parsed = parseForm(form, contactSchema);
        if (!parsed.success) return parsed.response;
        await addContact(actor, dealId, parsed.data);
        return back("Contact added.");
      }
      case "remove-contact":
        await removeContact(actor, dealId, String(form.get("contactId") ?? ""));
        return back("Contact removed.");
      case "log": {
        const parsed = parseForm(form, activitySchema);
        if (!parsed.success) return parsed.response;
        await logActivity(actor, dealId, parsed.data);
        return back(`${activityLabels[parsed.data.kind]} logged.`);
      }
      case "task-done":
      case "task-open":
        await setTaskDone(actor, dealId, String(form.get("activityId") ?? ""), intent === "task-done");
        return back(intent === "task-done" ? "Task done." : "Task reopened.");
      case "agreement": {
        const parsed = parseForm(form, agreementSchema);
        if (!parsed.success) return parsed.response;
        const file = form.get("document");
        let document: { name: string; bytes: Buffer } | null = null;
        if (file && typeof file === "object" && "arrayBuffer" in file && file.size > 0) {
          if (file.size > DOCUMENT_MAX_BYTES) return formFailure(form, { document: "The document is larger than 10 MB." });
          if (!documentTypes.test(file.name)) return formFailure(form, { document: "Upload a PDF, Word, OpenDocument, text or image file." });
          document = { name: file.name.replace(/[\\/\0\r\n]/g, "_").slice(0, 200), bytes: Buffer.from(await file.arrayBuffer()) };
        }
        const { intent: _i, version, ...fields } = parsed.data;
        void _i;
        await saveAgreement(actor, dealId, version, { ...fields, document });
        return back("Agreement saved.");
      }
      case "case-study": {
        const parsed = parseForm(form, caseStudySchema);
        if (!parsed.success) return parsed.response;
        await setCaseStudyStage(actor, dealId, parsed.data.version, parsed.data.caseStudyStage);
        return back("Case study updated.");
      }
      case "exit": {
        const parsed = parseForm(form, exitDecisionSchema);
        if (!parsed.success) return parsed.response;
        const x = parsed.data;
        await recordExitDecision(
          actor,
          dealId,
          x.version,
          x.outcome === "converted"
            ? { outcome: "converted", plan: x.plan!, decidedOn: x.decidedOn, price: x.price, note: x.note }
            : { outcome: "churned", churnReason: x.churnReason!, decidedOn: x.decidedOn, note: x.note },
          context.ip ?? null,
        );
        return back(x.outcome === "converted" ? "Conversion recorded: the organization is on the paid plan now." : "Churn recorded.");
      }
      case "move": {
        const parsed = parseForm(form, moveSchema);
        if (!parsed.success) return parsed.response;
        const m = parsed.data;
        const result = await moveDeal(actor, dealId, { to: m.to, expectedVersion: m.version, lostReason: m.lostReason, lostNote: m.lostNote });
        const invited = result.onboarding?.invited.length ?? 0;
        return back(`Moved to ${stageLabels[m.to]}.${invited ? ` Invited ${invited} ${invited === 1 ? "contact" : "contacts"} to the portal.` : ""}`);
      }
      default:
        return formFailure(form, {}, "Unknown action.");
    }
  } catch (e) {
    if (e instanceof DealError) return formFailure(form, e.field ? { [e.field]: e.message } : {}, e.message, e.status);
    throw e;
  }
}

const dateFmt = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" });
const dateTimeFmt = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

export default function DealPage({ loaderData, actionData }: Route.ComponentProps) {
  const [params] = useSearchParams();
  if (!loaderData.full) {
    return (
      <>
        <div className="page-header">
          <h1>{loaderData.company}</h1>
          <p>Support health of this beta customer.</p>
        </div>
        <HealthPanel health={loaderData.health} organization={loaderData.organization} />
      </>
    );
  }
  const { deal, agreement, contacts, timeline, owners, gates, health, organization, exit, today } = loaderData;
  const failure = actionData && !actionData.ok ? (actionData as FormFailure) : undefined;
  const fe = failure?.fieldErrors ?? {};
  const saved = params.get("saved");
  const v = (key: string, fallback: string | null | undefined) => (failure?.values.intent && failure.values[key] !== undefined ? failure.values[key] : (fallback ?? ""));
  return (
    <div className="beta-deal">
      <p className="breadcrumb">
        <Link to="/beta">Beta program</Link> / {deal.company}
      </p>
      <div className="page-header">
        <div>
          <h1>{deal.company}</h1>
          <p>
            <span className="badge badge-accent">{stageLabels[deal.stage]}</span> since {dateFmt.format(new Date(deal.stageEnteredAt))}
            {organization ? (
              <>
                {" "}
                · customer organization <Link to={`/admin/organizations/${organization.id}`}>{organization.name}</Link> ({organization.plan} plan)
              </>
            ) : null}
          </p>
        </div>
        <MoveForm dealId={deal.id} version={deal.version} stage={deal.stage} company={deal.company} />
      </div>
      {saved ? (
        <div className="alert alert-success" role="status">
          {saved}
        </div>
      ) : null}
      <FormError failure={failure} />
      {failure && !failure.formError && Object.keys(fe).length ? (
        <div className="alert alert-error" role="alert">
          Not saved: {Object.values(fe).join(" ")}
        </div>
      ) : null}
      {failure?.values.intent === "move" && failure.values.to === "lost" && !failure.values.lostReason ? <LostReasonForm dealId={deal.id} version={deal.version} company={deal.company} /> : null}

      <div className="beta-deal-layout">
        <div className="beta-deal-main">
          {exit ? (
            <BetaExitPanel dealId={deal.id} version={deal.version} betaEndsOn={exit.betaEndsOn} needed={exit.needed} decision={exit.decision} today={today} failure={failure} />
          ) : null}
          <section className="card" aria-labelledby="next-step-h">
            <h2 id="next-step-h" className="card-title">
              Next step
            </h2>
            <Form method="post" className="inline-form beta-next-form">
              <input type="hidden" name="intent" value="next-step" />
              <input type="hidden" name="version" value={deal.version} />
              <Field label="Next step" name="nextStep" defaultValue={v("nextStep", deal.nextStep)} maxLength={300} error={fe.nextStep} />
              <Field label="Due" name="nextStepDue" type="date" defaultValue={v("nextStepDue", deal.nextStepDueAt?.slice(0, 10))} error={fe.nextStepDue} />
              <SubmitButton className="btn btn-sm">
                Save next step
              </SubmitButton>
            </Form>
          </section>

          <section className="card" aria-labelledby="gates-h">
            <h2 id="gates-h" className="card-title">
              Stage gates
            </h2>
            <ul className="beta-gate-list">
              {gates.map((g) => (
                <li key={g.stage}>
                  <strong>{stageLabels[g.stage]}</strong>
                  {g.items.length === 0 ? (
                    <span className="muted"> — no requirements</span>
                  ) : (
                    <ul className="beta-checklist">
                      {g.items.map((i) => (
                        <li key={i.key} className={i.met ? "met" : "unmet"}>
                          <span aria-hidden="true">{i.met ? "✓" : "✗"}</span> {i.label}
                          <span className="visually-hidden">{i.met ? " (done)" : " (missing)"}</span>
                        </li>
                      ))}
                    </ul>
                  )}
                </li>
              ))}
              <li>
                <strong>Lost</strong> <span className="muted">— a reason, chosen when moving</span>
              </li>
            </ul>
          </section>

          <section className="card" aria-labelledby="details-h">
            <h2 id="details-h" className="card-title">
              Details
            </h2>
            <Form method="post" className="form grid-2 beta-details">
              <input type="hidden" name="intent" value="edit" />
              <input type="hidden" name="version" value={deal.version} />
              <Field label="Company" name="company" required defaultValue={v("company", deal.company)} error={fe.company} />
              <Field label="Website" name="website" defaultValue={v("website", deal.website)} error={fe.website} />
              <div className="field">
                <label htmlFor="deal-owner">Owner</label>
                <select id="deal-owner" name="ownerId" defaultValue={v("ownerId", deal.ownerId)}>
                  <option value="">No owner</option>
                  {owners.map((o) => (
                    <option key={o.id} value={o.id}>
                      {o.name}
                    </option>
                  ))}
                </select>
                {fe.ownerId ? <span className="error">{fe.ownerId}</span> : null}
              </div>
              <Field label="Source" name="source" defaultValue={v("source", deal.source)} error={fe.source} />
              <Field label="Demo date (UTC)" name="demoAt" type="datetime-local" defaultValue={v("demoAt", deal.demoAt?.slice(0, 16))} error={fe.demoAt} />
              <Field label="Demo attendees" name="demoAttendees" defaultValue={v("demoAttendees", deal.demoAttendees)} error={fe.demoAttendees} hint="Names, comma-separated" />
              <div className="field beta-span">
                <label htmlFor="deal-notes">Notes</label>
                <textarea id="deal-notes" name="notes" rows={4} defaultValue={v("notes", deal.notes)} />
              </div>
              <div className="actions beta-span">
                <SubmitButton pendingText="Saving…">
                  Save details
                </SubmitButton>
              </div>
            </Form>
          </section>

          <AgreementPanel dealId={deal.id} version={deal.version} agreement={agreement} failure={failure} />

          {deal.stage === "onboarded" ? (
            <section className="card" id="case-study" aria-labelledby="case-study-h">
              <h2 id="case-study-h" className="card-title">
                Case study
              </h2>
              <p className="muted small">Consent from the agreement: {consentLabels[agreement?.caseStudyConsent ?? "none"]}.</p>
              <Form method="post" className="inline-form">
                <input type="hidden" name="version" value={deal.version} />
                <label htmlFor="cs-stage">Case-study stage</label>
                <select id="cs-stage" name="caseStudyStage" defaultValue={deal.caseStudyStage ?? "candidate"}>
                  {caseStudyStages.map((s) => (
                    <option key={s} value={s}>
                      {caseStudyLabels[s]}
                    </option>
                  ))}
                </select>
                <button type="submit" name="intent" value="case-study" className="btn btn-sm">
                  Save case study
                </button>
              </Form>
              {fe.caseStudyStage ? <p className="error">{fe.caseStudyStage}</p> : null}
            </section>
          ) : null}

          <section className="card" aria-labelledby="timeline-h">
            <h2 id="timeline-h" className="card-title">
              Timeline
            </h2>
            <Form method="post" className="form beta-log-form">
              <input type="hidden" name="intent" value="log" />
              <div className="inline-form">
                <div className="field">
                  <label htmlFor="log-kind">Log</label>
                  <select id="log-kind" name="kind" defaultValue={v("kind", "note")}>
                    {activityKinds.map((k) => (
                      <option key={k} value={k}>
                        {activityLabels[k]}
                      </option>
                    ))}
                  </select>
                </div>
                <Field label="Task due (tasks only)" name="dueAt" type="date" error={fe.dueAt} />
              </div>
              <div className="field">
                <label htmlFor="log-body">What happened</label>
                <textarea id="log-body" name="body" rows={2} defaultValue={failure?.values.intent === "log" ? failure.values.body : ""} aria-invalid={fe.body ? true : undefined} />
                {fe.body ? <span className="error">{fe.body}</span> : null}
              </div>
              <SubmitButton className="btn btn-sm">
                Add to timeline
              </SubmitButton>
            </Form>
            <ol className="beta-timeline">
              {timeline.map((t) => (
                <li key={t.id} className={`beta-timeline-${t.kind}`}>
                  <span className="badge">{t.kind === "stage" ? "Stage" : (activityLabels[t.kind as keyof typeof activityLabels] ?? t.kind)}</span>{" "}
                  <span className={t.doneAt ? "beta-done" : ""}>{t.body}</span>
                  <span className="muted small">
                    {" "}
                    · {t.actorName ?? "system"} · <RelativeTime value={t.at} now={loaderData.now} />
                    {t.dueAt ? ` · due ${dateFmt.format(new Date(t.dueAt))}` : ""}
                  </span>
                  {t.kind === "task" ? (
                    <Form method="post" className="beta-task-toggle">
                      <input type="hidden" name="activityId" value={t.id} />
                      <button type="submit" name="intent" value={t.doneAt ? "task-open" : "task-done"} className="btn btn-ghost btn-sm">
                        {t.doneAt ? "Reopen" : "Mark done"}
                        <span className="visually-hidden">: {t.body}</span>
                      </button>
                    </Form>
                  ) : null}
                </li>
              ))}
            </ol>
          </section>
        </div>

        <aside className="beta-deal-side">
          <section className="card" aria-labelledby="contacts-h">
            <h2 id="contacts-h" className="card-title">
              Contacts
            </h2>
            {contacts.length === 0 ? <p className="muted">No contacts yet.</p> : null}
            <ul className="plain-list beta-contacts">
              {contacts.map((c) => (
                <li key={c.id}>
                  <strong>{c.name}</strong> {c.role ? <span className="muted">· {c.role}</span> : null}
                  <br />
                  <a href={`mailto:${c.email}`}>{c.email}</a>
                  {c.invitedAt ? <span className="badge badge-success">Invited</span> : c.linked ? <span className="badge badge-success">Has access</span> : null}
                  <Form method="post" className="inline">
                    <input type="hidden" name="contactId" value={c.id} />
                    <button type="submit" name="intent" value="remove-contact" className="btn btn-ghost btn-sm">
                      Remove<span className="visually-hidden"> {c.name}</span>
                    </button>
                  </Form>
                </li>
              ))}
            </ul>
            <Form method="post" className="form">
              <input type="hidden" name="intent" value="add-contact" />
              <Field label="Name" name="name" defaultValue={failure?.values.intent === "add-contact" ? failure.values.name : ""} error={fe.name} />
              <Field label="Email" name="email" type="email" defaultValue={failure?.values.intent === "add-contact" ? failure.values.email : ""} error={fe.email} />
              <Field label="Role" name="role" placeholder="CTO, champion…" />
              <SubmitButton className="btn btn-sm">
                Add contact
              </SubmitButton>
            </Form>
          </section>
          {deal.stage === "onboarded" || health ? <HealthPanel health={health} organization={organization} /> : null}
        </aside>
      </div>
    </div>
  );
}

function MoveForm({ dealId, version, stage, company }: { dealId: string; version: number; stage: DealStage; company: string }) {
  return (
    <Form method="post" className="inline-form beta-move">
      <input type="hidden" name="dealId" value={dealId} />
      <input type="hidden" name="version" value={version} />
      <label htmlFor="deal-move">Move {company} to</label>
      <select id="deal-move" name="to" defaultValue="">
        <option value="" disabled>
          Choose a stage
        </option>
        {dealStages
          .filter((s) => s !== stage)
          .map((s) => (
            <option key={s} value={s}>
              {stageLabels[s]}
            </option>
          ))}
      </select>
      <button type="submit" name="intent" value="move" className="btn btn-sm">
        Move
      </button>
    </Form>
  );
}

type AgreementView = {
  status: (typeof agreementStatuses)[number];
  terms: string;
  sentOn: string | null;
  signedOn: string | null;
  betaStartsOn: string | null;
  betaEndsOn: string | null;
  priceAfterBeta: string | null;
  feedbackObligations: string | null;
  caseStudyConsent: (typeof caseStudyConsents)[number];
  documentName: string | null;
  hasDocument: boolean;
  updatedAt: string;
} | null;

function AgreementPanel({ dealId, version, agreement, failure }: { dealId: string; version: number; agreement: AgreementView; failure: FormFailure | undefined }) {
  const mine = failure?.values.intent === "agreement";
  const fe = mine ? failure!.fieldErrors : {};
  const v = (key: string, fallback: string | null | undefined) => (mine && failure!.values[key] !== undefined ? failure!.values[key] : (fallback ?? ""));
  return (
    <section className="card" aria-labelledby="agreement-h">
      <h2 id="agreement-h" className="card-title">
        Agreement{" "}
        <span className={`badge ${agreement?.status === "signed" ? "badge-success" : agreement?.status === "sent" ? "badge-accent" : ""}`}>
          {agreement ? agreement.status[0]!.toUpperCase() + agreement.status.slice(1) : "None yet"}
        </span>
      </h2>
      {agreement?.signedOn ? <p className="muted small">Signed {dateFmt.format(new Date(`${agreement.signedOn}T00:00:00Z`))}.</p> : null}
      <Form method="post" encType="multipart/form-data" className="form grid-2 beta-agreement">
        <input type="hidden" name="intent" value="agreement" />
        <input type="hidden" name="version" value={version} />
        <div className="field">
          <label htmlFor="ag-status">Status</label>
          <select id="ag-status" name="status" defaultValue={v("status", agreement?.status ?? "draft")}>
            {agreementStatuses.map((s) => (
              <option key={s} value={s}>
                {s[0]!.toUpperCase() + s.slice(1)}
              </option>
            ))}
          </select>
          {fe.status ? <span className="error">{fe.status}</span> : null}
        </div>
        <div className="field">
          <label htmlFor="ag-consent">Case-study consent</label>
          <select id="ag-consent" name="caseStudyConsent" defaultValue={v("caseStudyConsent", agreement?.caseStudyConsent ?? "none")}>
            {caseStudyConsents.map((c) => (
              <option key={c} value={c}>
                {consentLabels[c]}
              </option>
            ))}
          </select>
        </div>
        <Field label="Sent on" name="sentOn" type="date" defaultValue={v("sentOn", agreement?.sentOn)} error={fe.sentOn} />
        <Field label="Signed on" name="signedOn" type="date" defaultValue={v("signedOn", agreement?.signedOn)} error={fe.signedOn} />
        <Field label="Beta starts" name="betaStartsOn" type="date" defaultValue={v("betaStartsOn", agreement?.betaStartsOn)} error={fe.betaStartsOn} />
        <Field label="Beta ends" name="betaEndsOn" type="date" defaultValue={v("betaEndsOn", agreement?.betaEndsOn)} error={fe.betaEndsOn} />
        <Field label="Price after the beta" name="priceAfterBeta" defaultValue={v("priceAfterBeta", agreement?.priceAfterBeta)} placeholder="e.g. €1,200 / month, 20 % off year one" />
        <Field label="Document" name="document" type="file" accept=".pdf,.doc,.docx,.odt,.txt,.png,.jpg,.jpeg" error={fe.document} hint={agreement?.hasDocument ? `Current: ${agreement.documentName}` : "PDF, Word, text or image, up to 10 MB"} />
        <div className="field beta-span">
          <label htmlFor="ag-terms">Terms</label>
          <textarea id="ag-terms" name="terms" rows={4} defaultValue={v("terms", agreement?.terms)} />
        </div>
        <div className="field beta-span">
          <label htmlFor="ag-obligations">Feedback obligations</label>
          <textarea id="ag-obligations" name="feedbackObligations" rows={2} defaultValue={v("feedbackObligations", agreement?.feedbackObligations)} />
        </div>
        <div className="actions beta-span">
          <SubmitButton pendingText="Saving…">
            Save agreement
          </SubmitButton>
          {agreement?.hasDocument ? (
            <a href={`/beta/deals/${dealId}/agreement/document`} className="btn btn-ghost" download>
              Download {agreement.documentName}
            </a>
          ) : null}
        </div>
      </Form>
    </section>
  );
}

type HealthView = {
  level: "red" | "amber" | "green";
  reasons: string[];
  openTickets: number;
  breaches30d: number;
  atRisk: number;
  csatPercent: number | null;
  csatRatings: number;
  lastContactAt: string | null;
} | null;

function HealthPanel({ health, organization }: { health: HealthView; organization: { id: string; name: string } | null }) {
  return (
    <section className="card" aria-labelledby="health-h">
      <h2 id="health-h" className="card-title">
        Support health
      </h2>
      {!health || !organization ? (
        <p className="muted">Health appears once the deal is onboarded and linked to a customer organization.</p>
      ) : (
        <>
          <p>
            <HealthBadge level={health.level} reasons={health.reasons} />
          </p>
          <ul className="plain-list small">
            {health.reasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
          <dl className="beta-facts">
            <dt>Open tickets</dt>
            <dd>{health.openTickets}</dd>
            <dt>SLA breaches (30 days)</dt>
            <dd>{health.breaches30d}</dd>
            <dt>Tickets at risk</dt>
            <dd>{health.atRisk}</dd>
            <dt>CSAT (30 days)</dt>
            <dd>{health.csatPercent === null ? "No ratings" : `${health.csatPercent} % of ${health.csatRatings}`}</dd>
            <dt>Last contact</dt>
            <dd>{health.lastContactAt ? dateTimeFmt.format(new Date(health.lastContactAt)) + " UTC" : "None yet"}</dd>
          </dl>
        </>
      )}
    </section>
  );
}
