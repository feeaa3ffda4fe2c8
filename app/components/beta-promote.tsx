import { Form, Link } from "react-router";

/**
 * On the agent's ticket page, for tickets of beta customer organizations: turn the ticket into a
 * beta feedback item (posts to /beta/feedback, intent=promote), or link to the item it became.
 */
export function BetaPromotePanel({ number, promote }: { number: number; promote: { itemId: string | null } | null }) {
  if (!promote) return null;
  return (
    <section className="card" aria-labelledby="beta-feedback-title">
      <h2 id="beta-feedback-title" className="card-title">
        Beta feedback
      </h2>
      {promote.itemId ? (
        <p>
          This ticket is a <Link to={`/beta/feedback#item-${promote.itemId}`}>beta feedback item</Link>.
        </p>
      ) : (
        <Form method="post" action="/beta/feedback">
          <p className="muted small">A beta customer&apos;s ticket: make it a feedback item the product team triages (their organization&apos;s vote comes with it).</p>
          <input type="hidden" name="intent" value="promote" />
          <input type="hidden" name="ticketNumber" value={number} />
          <button type="submit" className="btn btn-secondary btn-sm">
            Promote to feedback
          </button>
        </Form>
      )}
    </section>
  );
}
