import { useMemo, useState, type DragEvent, type FormEvent, type ReactElement } from "react";
import { Form, Link, useFormAction, useSubmit } from "react-router";
import { HealthBadge } from "./beta-health";
import { useAppLinkClick } from "./app-links";
import { dateTimeFormat } from "~/lib/intl";
import { caseStudyLabels, caseStudyStages, dealStages, lostReasons, stageGate, stageLabels, type CaseStudyStage, type DealStage, type GateItem, type Tone } from "~/modules/beta/model";

/** What a card shows: the board's cards as the route sends them to the client (see toBoardCard). */
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
  feedback: number;
  /**
   * The keys of the gate items (stageGate's) this deal meets, for the stages it could move to.
   * The checklists are rebuilt from them (gateFor): the labels are the same for every deal, so
   * sending each card's three checklists cost ~300 bytes a card in the page's loader data.
   */
  met: string[];
  health: { level: "red" | "amber" | "green"; reasons: string[] } | null;
}

/** boardData's card, of which the board uses all but the counts it does not show. */
export interface BoardCardSource extends Omit<BoardCard, "met"> {
  gates: Partial<Record<DealStage, GateItem[]>>;
}

/** The card as the client gets it: the fields shown, and the gates as the keys met. */
export function toBoardCard(c: BoardCardSource): BoardCard {
  const met: string[] = [];
  for (const items of Object.values(c.gates)) for (const i of items ?? []) if (i.met && !met.includes(i.key)) met.push(i.key);
  return {
    id: c.id,
    company: c.company,
    stage: c.stage,
    version: c.version,
    ownerName: c.ownerName,
    daysInStage: c.daysInStage,
    daysTone: c.daysTone,
    nextStep: c.nextStep,
    nextStepDueAt: c.nextStepDueAt,
    nextStepTone: c.nextStepTone,
    stale: c.stale,
    lostReason: c.lostReason,
    caseStudyStage: c.caseStudyStage,
    feedback: c.feedback,
    met,
    health: c.health,
  };
}

const noFacts = { demoAt: null, demoAttendees: null, agreement: null } as const;

/**
 * The checklist a move of this card into `to` must satisfy (as boardData's gates: none for the
 * card's own stage, nor for lost, which asks its reason at the move itself).
 */
export function gateFor(card: Pick<BoardCard, "stage" | "met">, to: DealStage): GateItem[] | undefined {
  if (to === card.stage || to === "lost") return undefined;
  return stageGate(to, noFacts).map((i) => ({ key: i.key, label: i.label, met: card.met.includes(i.key) }));
}

const toneClass: Record<Tone, string> = { ok: "tone-ok", warning: "tone-warning", danger: "tone-danger", neutral: "" };
let dueFormatter: Intl.DateTimeFormat | undefined;
const dueFormat = () => (dueFormatter ??= dateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" }));
/** Lost deals beyond this many are listed behind a disclosure (they are rarely moved again). */
const lostShown = 6;

/**
 * Each stage's "Move to…" options, built once: the elements are immutable, so the 200 selects of
 * a board share them instead of creating five option elements each.
 */
const moveOptions = Object.fromEntries(
  dealStages.map((stage) => [
    stage,
    [
      <option key="" value="" disabled>
        Move to…
      </option>,
      ...dealStages
        .filter((s) => s !== stage)
        .map((s) => (
          <option key={s} value={s}>
            {stageLabels[s]}
          </option>
        )),
    ],
  ]),
) as Record<DealStage, ReactElement[]>;

/**
 * The kanban board. Three ways to move a card, all posting the same form to the board's action:
 * drag and drop (mouse or touch-pad), and per card a "Move to…" select with a button, which is
 * the keyboard path and works without JavaScript. While a card is dragged each column shows the
 * gate checklist the move needs.
 *
 * The cards are plain markup (a form, an anchor): 200 of React Router's <Form> and <Link> each
 * resolved the route's path with their hooks and were most of the page's server render. Their
 * client behaviour is kept by handlers on the board itself: a card's link navigates in the app
 * (a plain click; modified clicks are the browser's), and a card's form is submitted through
 * useSubmit as <Form> would, to the action resolved once.
 */
export function BetaBoard({ cards }: { cards: BoardCard[] }) {
  const submit = useSubmit();
  const action = useFormAction();
  const [dragging, setDragging] = useState<BoardCard | null>(null);
  const [over, setOver] = useState<DealStage | null>(null);
  const byStage = useMemo(() => {
    const m = new Map<DealStage, BoardCard[]>(dealStages.map((s) => [s, []]));
    for (const c of cards) m.get(c.stage)?.push(c);
    return m;
  }, [cards]);

  function drop(stage: DealStage) {
    const card = dragging;
    setDragging(null);
    setOver(null);
    if (!card || card.stage === stage) return;
    submit({ intent: "move", dealId: card.id, version: String(card.version), to: stage }, { method: "post", action, preventScrollReset: true });
  }

  function onDragStart(e: DragEvent<HTMLElement>) {
    const id = (e.target as HTMLElement).closest?.("article.beta-card")?.querySelector<HTMLInputElement>("input[name=dealId]")?.value;
    const card = id ? cards.find((c) => c.id === id) : undefined;
    if (!card) return;
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", card.id);
    setDragging(card);
  }

  const onClick = useAppLinkClick();

  function onSubmit(e: FormEvent<HTMLElement>) {
    const form = e.target as HTMLFormElement;
    if (!form.classList.contains("beta-move")) return;
    e.preventDefault();
    submit(form, { method: "post", action, preventScrollReset: true });
  }

  return (
    <div
      className="beta-board"
      aria-label="Pipeline board"
      role="region"
      onDragStart={onDragStart}
      onDragEnd={() => (setDragging(null), setOver(null))}
      onClick={onClick}
      onSubmit={onSubmit}
    >
      {dealStages.map((stage) => {
        const inStage = byStage.get(stage)!;
        const gate = dragging ? gateFor(dragging, stage) : undefined;
        const list = (items: BoardCard[]) => (
          <ul className="beta-cards">
            {items.map((card) => (
              <li key={card.id}>
                <DealCard card={card} action={action} />
              </li>
            ))}
          </ul>
        );
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
            {stage === "lost" && inStage.length > lostShown ? (
              <details className="beta-lost-list">
                <summary>Show the {inStage.length} lost deals</summary>
                {list(inStage)}
              </details>
            ) : (
              list(inStage)
            )}
            {inStage.length === 0 ? <p className="muted small beta-empty">No deals</p> : null}
          </section>
        );
      })}
    </div>
  );
}

/**
 * One card: plain markup, no hooks (the board handles its link, form and drag). A lost deal's
 * card is its name, the reason and the move form (it has no next step, and its owner, days and
 * badges are on the deal's page).
 */
function DealCard({ card, action }: { card: BoardCard; action: string }) {
  const due = card.nextStepDueAt ? dueFormat().format(new Date(card.nextStepDueAt)) : null;
  const lost = card.stage === "lost";
  return (
    <article className={`beta-card${card.stale.length ? " is-stale" : ""}`} draggable data-deal={card.company}>
      <h3 className="beta-card-title">
        <a href={`/beta/deals/${card.id}`} draggable={false} data-app-link="">
          {card.company}
        </a>
      </h3>
      {lost ? null : (
        <p className="beta-card-meta">
          <span>{card.ownerName ?? "No owner"}</span>
          <span className={`beta-days ${toneClass[card.daysTone]}`}>{`${card.daysInStage} ${card.daysInStage === 1 ? "day" : "days"} in stage`}</span>
        </p>
      )}
      {lost ? (
        <p className="small muted">Lost: {card.lostReason}</p>
      ) : card.nextStep ? (
        <p className={`beta-next ${toneClass[card.nextStepTone]}`}>
          <span className="visually-hidden">Next step: </span>
          {card.nextStep}
          {due ? <span className="beta-due">{` · ${card.nextStepTone === "danger" ? `overdue since ${due}` : `due ${due}`}`}</span> : null}
        </p>
      ) : card.stage !== "onboarded" ? (
        <p className="beta-next tone-warning">No next step</p>
      ) : null}
      {!lost && (card.health || card.stale.length || card.feedback || (card.caseStudyStage && card.stage === "onboarded")) ? (
        <p className="beta-card-badges">
          {card.health ? <HealthBadge level={card.health.level} reasons={card.health.reasons} /> : null}
          {card.stale.length ? (
            <span className="badge badge-warning" title={card.stale.join(", ")}>
              Stale<span className="visually-hidden">{`: ${card.stale.join(", ")}`}</span>
            </span>
          ) : null}
          {card.feedback ? <span className="badge">{card.feedback} feedback</span> : null}
          {card.caseStudyStage && card.stage === "onboarded" ? <span className="badge badge-accent">Case study: {caseStudyLabels[card.caseStudyStage]}</span> : null}
        </p>
      ) : null}
      <form method="post" action={action} className="beta-move">
        <input type="hidden" name="intent" value="move" />
        <input type="hidden" name="dealId" value={card.id} />
        <input type="hidden" name="version" value={card.version} />
        <select name="to" defaultValue="" aria-label={`Move ${card.company} to`}>
          {moveOptions[card.stage]}
        </select>
        <button type="submit" className="btn btn-secondary btn-sm" aria-label={`Move ${card.company}`}>
          Move
        </button>
      </form>
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
