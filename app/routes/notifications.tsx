import { data, Form, Link, redirect, useFetcher } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/notifications";
import { SubmitButton } from "~/components/form";
import { RelativeTime } from "~/components/time";
import { parseForm, readForm } from "~/lib/forms";
import { redirectWithToast } from "~/lib/toast.server";
import { can } from "~/modules/auth/permissions";
import { requirePermission } from "~/modules/auth/guard.server";
import {
  listNotifications,
  markNotificationsRead,
  openNotification,
  parseNotificationCursor,
  unreadNotificationCount,
} from "~/modules/notifications/notifications.server";

export const meta: Route.MetaFunction = () => [{ title: "Notifications · Support Portal" }];

export async function loader({ url, context }: Route.LoaderArgs) {
  const user = requirePermission(url, context, "read:notifications:own");
  const unreadOnly = url.searchParams.get("show") === "unread";
  const before = parseNotificationCursor(url.searchParams.get("before"));
  const [page, unread] = await Promise.all([listNotifications(user.id, { unreadOnly, before }), unreadNotificationCount(user.id)]);
  return {
    unreadOnly,
    unread,
    paged: before !== null,
    nextCursor: page.nextCursor,
    canOpenTickets: can(user, "view:desk"),
    items: page.items.map((n) => ({ ...n, createdAt: n.createdAt.toISOString(), readAt: n.readAt?.toISOString() ?? null })),
  };
}

/** The notice without the link the email version carries (the page has its own button). */
function readable(text: string): string {
  return text.replace(/\s+—\s+https?:\/\/\S+$/, "");
}

/** Back to the list the person was on (only ?show=unread is kept; nothing else is echoed). */
function backTo(url: URL): string {
  return url.searchParams.get("show") === "unread" ? "/notifications?show=unread" : "/notifications";
}

const actionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("open"), id: z.coerce.number().int().positive() }),
  z.object({ intent: z.literal("read"), id: z.coerce.number().int().positive() }),
  z.object({ intent: z.literal("read-all") }),
]);

export async function action({ request, url, context }: Route.ActionArgs) {
  const user = requirePermission(url, context, "read:notifications:own");
  const parsed = parseForm(await readForm(request), actionSchema);
  if (!parsed.success) return parsed.response;
  const input = parsed.data;
  switch (input.intent) {
    case "open": {
      const target = await openNotification(user.id, input.id);
      if (!target) throw data({ message: "That notification does not exist." }, { status: 404 });
      return redirect(target.startsWith("/desk/") && !can(user, "view:desk") ? "/notifications" : target);
    }
    case "read":
      await markNotificationsRead(user.id, [input.id]);
      return redirectWithToast(backTo(url), "Marked as read.");
    case "read-all": {
      const marked = await markNotificationsRead(user.id, "all");
      return redirectWithToast(backTo(url), marked === 1 ? "Marked 1 notification as read." : `Marked ${marked} notifications as read.`);
    }
  }
}

export default function Notifications({ loaderData }: Route.ComponentProps) {
  const { items, unread, unreadOnly, nextCursor, paged, canOpenTickets } = loaderData;
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Notifications</h1>
          <p>Escalations that name you: SLA warnings and breaches on tickets you, your groups or the admins are asked to act on.</p>
        </div>
        {unread > 0 ? (
          <Form method="post">
            <SubmitButton name="intent" value="read-all" className="btn btn-secondary" pendingText="Marking…">
              Mark all as read
            </SubmitButton>
          </Form>
        ) : null}
      </div>
      <nav className="tabs" aria-label="Which notifications">
        <Link to="/notifications" aria-current={!unreadOnly ? "page" : undefined} className={!unreadOnly ? "active" : ""}>
          All
        </Link>
        <Link to="/notifications?show=unread" aria-current={unreadOnly ? "page" : undefined} className={unreadOnly ? "active" : ""}>
          Unread <span className="count">{unread}</span>
        </Link>
      </nav>
      {items.length === 0 ? (
        <div className="empty">
          <p>{unreadOnly ? "You are all caught up: nothing unread." : "No notifications yet."}</p>
          <p className="muted">Admins decide who is told about SLA warnings and breaches under Admin → SLA → Escalation rules.</p>
        </div>
      ) : (
        <ul className="notification-list" aria-label="Notifications">
          {items.map((n) => (
            <NotificationRow key={n.id} n={n} canOpenTickets={canOpenTickets} />
          ))}
        </ul>
      )}
      <p className="actions">
        {paged ? <Link to={unreadOnly ? "/notifications?show=unread" : "/notifications"}>Newest</Link> : null}
        {nextCursor ? (
          <Link to={`/notifications?${new URLSearchParams({ ...(unreadOnly ? { show: "unread" } : {}), before: nextCursor }).toString()}`}>Older notifications</Link>
        ) : null}
      </p>
    </>
  );
}

type Item = Route.ComponentProps["loaderData"]["items"][number];

/**
 * One notice. "Mark read" posts through a fetcher and shows the notice as read at once
 * (optimistic); without JavaScript it is a plain form post.
 */
function NotificationRow({ n, canOpenTickets }: { n: Item; canOpenTickets: boolean }) {
  const fetcher = useFetcher();
  const read = n.readAt !== null || fetcher.formData?.get("intent") === "read";
  return (
    <li className={read ? "notification" : "notification notification-unread"}>
      <div className="notification-body">
        {!read ? <span className="badge badge-accent">New</span> : null}
        <span>{readable(n.text)}</span>
        {n.ticketNumber !== null && !n.text.includes(`#${n.ticketNumber}`) ? (
          <span className="muted">
            {" "}
            · #{n.ticketNumber} {n.ticketSubject}
          </span>
        ) : null}
        <span className="muted small">
          {" "}
          · <RelativeTime value={n.createdAt} />
        </span>
      </div>
      <div className="notification-actions">
        {n.ticketNumber !== null && canOpenTickets ? (
          <Form method="post">
            <input type="hidden" name="id" value={n.id} />
            <button type="submit" name="intent" value="open" className="btn btn-secondary btn-sm" aria-label={`Open ticket #${n.ticketNumber}`}>
              Open ticket
            </button>
          </Form>
        ) : null}
        {!read ? (
          <fetcher.Form method="post">
            <input type="hidden" name="id" value={n.id} />
            <button type="submit" name="intent" value="read" className="btn btn-ghost btn-sm" aria-label={`Mark read: ${readable(n.text)}`}>
              Mark read
            </button>
          </fetcher.Form>
        ) : null}
      </div>
    </li>
  );
}
