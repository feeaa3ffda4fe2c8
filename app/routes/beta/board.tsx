import { Form, Link, redirect, useSearchParams } from "react-router";
import type { Route } from "./+types/board";
import { BetaBoard, CaseStudyLane, gateFor, LostReasonForm, toBoardCard } from "~/components/beta-board";
import { Field, SubmitButton } from "~/components/form";
import { formFailure, parseForm, readForm } from "~/lib/forms";
import { requirePermission } from "~/modules/auth/guard.server";
import { createDeal, DealError, getActiveProgram, moveDeal, ownerOptions } from "~/modules/beta/deals.server";
import { moveSchema, newDealSchema } from "~/modules/beta/forms";
import { stageLabels, type DealStage } from "~/modules/beta/model";
import { boardData } from "~/modules/beta/pipeline.server";
import { listPrograms } from "~/modules/beta/programs.server";

export const meta: Route.MetaFunction = () => [{ title: "Beta program · Support Portal" }];

export async function loader({ url, context }: Route.LoaderArgs) {
  requirePermission(url, context, "manage:beta");
  const program = await getActiveProgram();
  if (!program) return { program: null, board: null, owners: [], programs: [] };
  const [board, owners, programs] = await Promise.all([boardData(program), ownerOptions(), listPrograms()]);
  // The loader data goes to the client twice (as HTML and as hydration data): only what the page shows.
  return {
    program: { id: program.id, name: program.name, deadline: program.deadline },
    board: { header: { tone: board.header.tone, summary: board.header.summary, projection: board.header.projection }, feedbackTotal: board.feedbackTotal, cards: board.cards.map(toBoardCard) },
    owners: owners.map((o) => ({ id: o.id, name: o.name })),
    programs: programs.map((p) => ({ id: p.id, name: p.name })),
  };
}

export async function action({ request, url, context }: Route.ActionArgs) {
  const user = requirePermission(url, context, "manage:beta");
  const form = await readForm(request);
  const actor = { id: user.id, name: user.name };
  if (form.get("intent") === "create") {
    const parsed = parseForm(form, newDealSchema);
    if (!parsed.success) return parsed.response;
    const d = parsed.data;
    try {
      const deal = await createDeal(actor, {
        company: d.company,
        website: d.website,
        source: d.source,
        ownerId: d.ownerId ?? user.id,
        contact: d.contactEmail ? { name: d.contactName ?? d.contactEmail.split("@")[0]!, email: d.contactEmail, role: null } : null,
      });
      return redirect(`/beta/deals/${deal.id}?created=1`);
    } catch (e) {
      if (e instanceof DealError) return formFailure(form, {}, e.message, e.status);
      throw e;
    }
  }
  const parsed = parseForm(form, moveSchema);
  if (!parsed.success) return parsed.response;
  const m = parsed.data;
  try {
    const result = await moveDeal(actor, m.dealId, { to: m.to, expectedVersion: m.version, lostReason: m.lostReason, lostNote: m.lostNote });
    const params = new URLSearchParams({ moved: result.deal.company, to: m.to });
    if (result.onboarding) params.set("invited", String(result.onboarding.invited.length));
    return redirect(`/beta?${params.toString()}`);
  } catch (e) {
    if (e instanceof DealError) {
      return formFailure(form, e.field ? { [e.field]: e.message } : {}, e.message, e.status === 404 ? 404 : e.status === 409 ? 409 : 422);
    }
    throw e;
  }
}

export default function BetaBoardPage({ loaderData, actionData }: Route.ComponentProps) {
  const { program, board, owners, programs } = loaderData;
  const [params] = useSearchParams();
  const failure = actionData && !actionData.ok ? actionData : undefined;
  if (!program || !board) {
    return (
      <div className="empty">
        <h1>No active beta program</h1>
        <p>Sales or an administrator starts a program (target, minimum and deadline); its board appears here.</p>
        <p>
          <Link to="/beta/programs" className="btn">
            Create a program
          </Link>
        </p>
      </div>
    );
  }
  const moved = params.get("moved");
  const to = params.get("to") as DealStage | null;
  const invited = params.get("invited");
  const refusedLost = failure?.values.to === "lost" && failure.values.dealId && !failure.values.lostReason;
  const refusedCard = failure?.values.dealId ? board.cards.find((c) => c.id === failure.values.dealId) : undefined;
  const refusedGate = refusedCard && failure?.values.to ? gateFor(refusedCard, failure.values.to as DealStage) : undefined;
  return (
    <div className="beta-page">
      <div className="page-header">
        <div>
          <h1>{program.name}</h1>
          <p className={`beta-summary tone-${board.header.tone}`}>
            <strong>{board.header.summary}</strong>
          </p>
          <p>{board.header.projection}</p>
        </div>
        <nav className="actions" aria-label="Beta program">
          <Link to="/beta/reports" className="btn btn-secondary btn-sm">
            Reports
          </Link>
          <Link to="/beta/goals" className="btn btn-secondary btn-sm">
            Goals
          </Link>
          <Link to="/beta/feedback" className="btn btn-secondary btn-sm">
            Feedback ({board.feedbackTotal})
          </Link>
          <Link to="/beta/customers" className="btn btn-ghost btn-sm">
            Beta customers
          </Link>
          <Link to="/beta/programs" className="btn btn-ghost btn-sm">
            Programs
          </Link>
        </nav>
      </div>
      <div className="beta-program-switch">
        {programs.length > 1 ? (
          <Form method="post" action="/beta/programs" className="inline-form">
            <input type="hidden" name="intent" value="activate" />
            <input type="hidden" name="redirectTo" value="/beta" />
            <label htmlFor="program-switch">Active program</label>
            <select id="program-switch" name="id" defaultValue={program.id}>
              {programs.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
            <button type="submit" className="btn btn-secondary btn-sm">
              Switch
            </button>
          </Form>
        ) : null}
      </div>
      <div aria-live="polite">
        {moved && to && !failure ? (
          <div className="alert alert-success" role="status">
            Moved {moved} to {stageLabels[to] ?? to}.
            {invited && Number(invited) > 0 ? ` Invited ${invited} ${Number(invited) === 1 ? "contact" : "contacts"} to the portal.` : ""}
          </div>
        ) : null}
      </div>
      {failure ? (
        <div className="alert alert-error" role="alert">
          <p>{failure.formError ?? "The move was refused."}</p>
          {refusedLost && refusedCard ? (
            <LostReasonForm dealId={refusedCard.id} version={refusedCard.version} company={refusedCard.company} />
          ) : refusedCard && failure.values.to && failure.values.to !== "lost" ? (
            <>
              {refusedGate?.length ? (
                <ul className="beta-checklist">
                  {refusedGate.map((g) => (
                    <li key={g.key} className={g.met ? "met" : "unmet"}>
                      <span aria-hidden="true">{g.met ? "✓" : "✗"}</span> {g.label}
                      <span className="visually-hidden">{g.met ? " (done)" : " (missing)"}</span>
                    </li>
                  ))}
                </ul>
              ) : null}
              <p>
                <Link to={`/beta/deals/${refusedCard.id}`}>Open {refusedCard.company}</Link> to fill in what is missing.
              </p>
            </>
          ) : null}
        </div>
      ) : null}
      <BetaBoard cards={board.cards} />
      <CaseStudyLane cards={board.cards} />
      <details className="card beta-new">
        <summary>Add a prospect</summary>
        <Form method="post" className="form beta-new-form">
          <input type="hidden" name="intent" value="create" />
          <Field label="Company" name="company" required maxLength={200} error={failure?.fieldErrors.company} />
          <Field label="Website" name="website" placeholder="example.com" error={failure?.fieldErrors.website} />
          <Field label="Source" name="source" placeholder="Referral, event, inbound…" />
          <div className="field">
            <label htmlFor="new-owner">Owner</label>
            <select id="new-owner" name="ownerId" defaultValue="">
              <option value="">Me</option>
              {owners.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
          </div>
          <Field label="Contact name" name="contactName" />
          <Field label="Contact email" name="contactEmail" type="email" error={failure?.fieldErrors.contactEmail} />
          <SubmitButton pendingText="Adding…">Add prospect</SubmitButton>
        </Form>
      </details>
    </div>
  );
}
