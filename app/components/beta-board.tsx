import { useState } from "react";
import { Form, Link, useSubmit } from "react-router";
import { HealthBadge } from "./beta-health";
import { caseStudyLabels, caseStudyStages, dealStages, lostReasons, stageLabels, type CaseStudyStage, type DealStage, type GateItem, type Tone } from "~/modules/beta/model";

export interface BoardCard {
  id: string;
  company: string;
  stage: DealStage;
  version: number;
  ownerName: string | null;
  daysInStage: number;
  daysTone: Tone;
  nextStep: string | null;
  nextStepDueAt: string | null;
  nextStepTone: Tone;
  stale: string[];
  lostReason: string | null;
  caseStudyStage: CaseStudyStage | null;
  contacts: number;
  openTasks: number;
  feedback: number;
  gates: Partial<Record<DealStage, GateItem[]>>;
  health: { level: "red" | "amber" | "green"; reasons: string[] } | null;
}

const toneClass: Record<Tone, string> = { ok: "tone-ok", warning: "tone-warning", danger: "tone-danger", neutral: "" };
const dateFmt = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });

/**
 * The kanban board. Three ways to move a card, all posting the same form to the board's action:
 * drag and drop (mouse or touch-pad), and per card a "Move to…" select with a button, which is
 * the keyboard path and works without JavaScript. While a card is dragged each column shows the
 * gate checklist the move needs.
 */
export function BetaBoard({ cards }: { cards: BoardCard[] }) {
  const submit = useSubmit();
  const [dragging, setDragging] = useState<BoardCard | null>(null);
  const [over, setOver] = useState<DealStage | null>(null);

  function drop(stage: DealStage) {
    const card = dragging;
    setDragging(null);
    setOver(null);
    if (!card || card.stage === stage) return;
    submit({ intent: "move", dealId: card.id, version: String(card.version), to: stage }, { method: "post", preventScrollReset: true });
  }

  return (
    <div className="beta-board" aria-label="Pipeline board" role="region">
      {dealStages.map((stage) => {
        const inStage = cards.filter((c) => c.stage === stage);
        const gate = dragging && dragging.stage !== stage ? dragging.gates[stage] : undefined;
        return (
          <section
            key={stage}
            className={`beta-column${over === stage ? " is-over" : ""}${stage === "lost" ? " beta-column-lost" : ""}`}
            aria-labelledby={`col-${stage}`}
            data-stage={stage}
            onDragOver={(e) => {
              if (!dragging) return;
              e.preventDefault();
              e.dataTransfer.dropEffect = "move";
              if (over !== stage) setOver(stage);
            }}
            onDragLeave={(e) => {
              if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOver((o) => (o === stage ? null : o));
            }}
            onDrop={(e) => {
              e.preventDefault();
              drop(stage);
            }}
          >
            <h2 id={`col-${stage}`} className="beta-column-title">
              {stageLabels[stage]} <span className="count">{inStage.length}</span>
            </h2>
            {dragging && dragging.stage !== stage ? (
              <div className="beta-gate" aria-live="polite">
                {stage === "lost" ? (
                  <p className="small">Drop, then choose the reason.</p>
                ) : gate && gate.length ? (
                  <ul className="beta-checklist">
                    {gate.map((g) => (
                      <li key={g.key} className={g.met ? "met" : "unmet"}>
                        <span aria-hidden="true">{g.met ? "✓" : "✗"}</span> {g.label}
                      </li>
                    ))}
                  </ul>
                ) : (
                  <p className="small">No requirements.</p>
                )}
              </div>
            ) : null}
            <ul className="beta-cards">
              {inStage.map((card) => (
                <li key={card.id}>
                  <DealCard card={card} onDragStart={() => setDragging(card)} onDragEnd={() => (setDragging(null), setOver(null))} />
                </li>
              ))}
            </ul>
            {inStage.length === 0 ? <p className="muted small beta-empty">No deals</p> : null}
          </section>
        );
      })}
    </div>
  );
}

function DealCard({ card, onDragStart, onDragEnd }: { card: BoardCard; onDragStart: () => void; onDragEnd: () => void }) {
  const moveId = `move-${card.id}`;
  const due = card.nextStepDueAt ? dateFmt.format(new Date(card.nextStepDueAt)) : null;
  return (
    <article
      className={`beta-card${card.stale.length ? " is-stale" : ""}`}
      draggable
      data-deal={card.company}
      aria-labelledby={`deal-${card.id}`}
      onDragStart={(e) => {
        e.dataTransfer.effectAllowed = "move";
        e.dataTransfer.setData("text/plain", card.id);
        onDragStart();
      }}
      onDragEnd={onDragEnd}
    >
      <h3 id={`deal-${card.id}`} className="beta-card-title">
        <Link to={`/beta/deals/${card.id}`} draggable={false}>
          {card.company}
        </Link>
      </h3>
      <p className="beta-card-meta">
        <span>{card.ownerName ?? "No owner"}</span>
        <span className={`beta-days ${toneClass[card.daysTone]}`} title="Days in this stage">
          {card.daysInStage} {card.daysInStage === 1 ? "day" : "days"} in stage
        </span>
      </p>
      {card.stage === "lost" ? (
        <p className="small muted">Lost: {card.lostReason}</p>
      ) : card.nextStep ? (
        <p className={`beta-next ${toneClass[card.nextStepTone]}`}>
          <span className="visually-hidden">Next step: </span>
          {card.nextStep}
          {due ? <span className="beta-due"> · {card.nextStepTone === "danger" ? `overdue since ${due}` : `due ${due}`}</span> : null}
        </p>
      ) : card.stage !== "onboarded" ? (
        <p className="beta-next tone-warning">No next step</p>
      ) : null}
      <p className="beta-card-badges">
        {card.health ? <HealthBadge level={card.health.level} reasons={card.health.reasons} /> : null}
        {card.stale.length ? (
          <span className="badge badge-warning" title={card.stale.join(", ")}>
            Stale<span className="visually-hidden">: {card.stale.join(", ")}</span>
          </span>
        ) : null}
        {card.feedback ? <span className="badge">{card.feedback} feedback</span> : null}
        {card.caseStudyStage && card.stage === "onboarded" ? <span className="badge badge-accent">Case study: {caseStudyLabels[card.caseStudyStage]}</span> : null}
      </p>
      <Form method="post" className="beta-move" preventScrollReset>
        <input type="hidden" name="intent" value="move" />
        <input type="hidden" name="dealId" value={card.id} />
        <input type="hidden" name="version" value={card.version} />
        <label htmlFor={moveId} className="visually-hidden">
          Move {card.company} to
        </label>
        <select id={moveId} name="to" defaultValue="">
          <option value="" disabled>
            Move to…
          </option>
          {dealStages
            .filter((s) => s !== card.stage)
            .map((s) => (
              <option key={s} value={s}>
                {stageLabels[s]}
              </option>
            ))}
        </select>
        <button type="submit" className="btn btn-secondary btn-sm" aria-label={`Move ${card.company}`}>
          Move
        </button>
      </Form>
    </article>
  );
}

/** The case-study lane: onboarded customers from candidate to published. */
export function CaseStudyLane({ cards }: { cards: BoardCard[] }) {
  const onboarded = cards.filter((c) => c.stage === "onboarded" && c.caseStudyStage);
  return (
    <section className="beta-lane" aria-labelledby="case-studies">
      <h2 id="case-studies">Case studies</h2>
      <ol className="beta-lane-stages">
        {caseStudyStages.map((s) => (
          <li key={s}>
            <h3>{caseStudyLabels[s]}</h3>
            <ul>
              {onboarded
                .filter((c) => c.caseStudyStage === s)
                .map((c) => (
                  <li key={c.id}>
                    <Link to={`/beta/deals/${c.id}#case-study`}>{c.company}</Link>
                  </li>
                ))}
            </ul>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** Shown when a move to lost needs its reason (after a drop or the Move form). */
export function LostReasonForm({ dealId, version, company }: { dealId: string; version: number; company: string }) {
  return (
    <Form method="post" className="form beta-lost-form">
      <input type="hidden" name="intent" value="move" />
      <input type="hidden" name="dealId" value={dealId} />
      <input type="hidden" name="version" value={version} />
      <input type="hidden" name="to" value="lost" />
      <div className="field">
        <label htmlFor="lost-reason">Why was {company} lost?</label>
        <select id="lost-reason" name="lostReason" required defaultValue="">
          <option value="" disabled>
            Choose a reason
          </option>
          {lostReasons.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="lost-note">Note (optional)</label>
        <input id="lost-note" name="lostNote" maxLength={500} />
      </div>
      <button type="submit" className="btn btn-danger btn-sm">
        Move to Lost
      </button>
    </Form>
  );
}
