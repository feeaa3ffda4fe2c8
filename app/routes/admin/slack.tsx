import { data, Form, Link, redirect, useLocation, useSearchParams } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/slack";
import { DataTable } from "~/components/data-table";
import { Field, FormError, SubmitButton } from "~/components/form";
import { formatDateTime, useTimeZone } from "~/components/time-zone";
import { fieldErrorsOf, readForm, type FormFailure } from "~/lib/forms";
import { requirePermission } from "~/modules/auth/guard.server";
import { SLACK_CHANNEL_ID, slackChannelIdMessage } from "~/modules/slack/constants";
import {
  clearSlackCredentials,
  deleteSlackMapping,
  saveSlackCredentials,
  saveSlackMapping,
  SlackAdminError,
  slackAdminPage,
  testSlackConnection,
} from "~/modules/slack/settings.server";

export const meta: Route.MetaFunction = () => [{ title: "Slack · Admin · Support Portal" }];

const optionalSecret = z
  .string()
  .trim()
  .max(500, "That is too long for a Slack credential.")
  .optional()
  .transform((v) => v || null);

const schema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("save-credentials"),
    botToken: optionalSecret.refine((v) => v === null || /^xoxb-[A-Za-z0-9-]+$/.test(v), "A bot token starts with xoxb- (Slack app → OAuth & Permissions)."),
    signingSecret: optionalSecret.refine((v) => v === null || /^[0-9a-f]{16,128}$/i.test(v), "The signing secret is the hex string under Basic Information → App Credentials."),
  }),
  z.object({ intent: z.literal("test") }),
  z.object({ intent: z.literal("disconnect") }),
  z.object({
    intent: z.literal("map"),
    channelId: z.string().trim().toUpperCase().regex(SLACK_CHANNEL_ID, slackChannelIdMessage),
    organizationId: z.uuid("Choose an organization."),
    fallbackRequesterId: z.uuid("Choose the fallback requester."),
  }),
  z.object({ intent: z.literal("unmap"), mappingId: z.uuid() }),
]);

type SlackFailure = FormFailure & { intent: string };

/** A refusal that keeps what was typed, except the credentials (never echoed back). */
function fail(form: FormData, fieldErrors: Record<string, string>, formError?: string, status = 400) {
  const values: Record<string, string> = {};
  for (const [key, value] of form.entries()) if (typeof value === "string" && key !== "botToken" && key !== "signingSecret") values[key] = value;
  return data<SlackFailure>({ ok: false, fieldErrors, formError, values, intent: String(form.get("intent") ?? "") }, { status });
}

export async function loader({ url, context }: Route.LoaderArgs) {
  requirePermission(url, context, "manage:slack");
  return slackAdminPage();
}

export async function action({ request, url, context }: Route.ActionArgs) {
  const user = requirePermission(url, context, "manage:slack");
  const form = await readForm(request);
  const raw: Record<string, unknown> = {};
  for (const key of new Set(form.keys())) raw[key] = form.get(key);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return fail(form, fieldErrorsOf(parsed.error), "Fix the marked fields.");
  const d = parsed.data;
  try {
    switch (d.intent) {
      case "save-credentials":
        await saveSlackCredentials(user, { botToken: d.botToken, signingSecret: d.signingSecret });
        return redirect("/admin/slack?done=saved");
      case "test": {
        const result = await testSlackConnection(user);
        return redirect(`/admin/slack?done=tested&team=${encodeURIComponent(result.team)}`);
      }
      case "disconnect":
        await clearSlackCredentials(user);
        return redirect("/admin/slack?done=disconnected");
      case "map": {
        const { warning } = await saveSlackMapping(user, d);
        return redirect(`/admin/slack?done=mapped${warning ? `&warning=${encodeURIComponent(warning)}` : ""}`);
      }
      case "unmap":
        await deleteSlackMapping(user, d.mappingId);
        return redirect("/admin/slack?done=unmapped");
    }
  } catch (e) {
    if (e instanceof SlackAdminError) return fail(form, e.field ? { [e.field]: e.message } : {}, e.field ? "Fix the marked fields." : e.message, e.status);
    throw e;
  }
}

const doneText: Record<string, string> = {
  saved: "Saved. Use “Test connection” to check the bot token.",
  disconnected: "The stored bot token and signing secret were removed.",
  mapped: "Channel mapping saved.",
  unmapped: "Channel mapping removed.",
};

const sourceLabel = (source: "env" | "settings" | null) => (source === "env" ? "from the environment" : source === "settings" ? "saved here" : null);

/** A stored credential as the page shows it: masked, with where it comes from, or "Not set". */
function MaskedCredential({ value, source }: { value: string | null; source: "env" | "settings" | null }) {
  if (!value) return <span className="muted">Not set</span>;
  return (
    <>
      <code>{value}</code> <span className="muted">{sourceLabel(source)}</span>
    </>
  );
}

export default function SlackSettings({ loaderData, actionData }: Route.ComponentProps) {
  const timeZone = useTimeZone();
  const [params] = useSearchParams();
  // A new key per navigation: after a save the forms start empty (typed secrets are not kept).
  const { key: locationKey } = useLocation();
  const failure = actionData && !actionData.ok ? (actionData as SlackFailure) : undefined;
  const failureFor = (intents: string[]) => (failure && intents.includes(failure.intent) ? failure : undefined);
  const credFailure = failureFor(["save-credentials", "test", "disconnect"]);
  const mapFailure = failureFor(["map", "unmap"]);
  const { connection, mappings, organizations, contacts, recent } = loaderData;
  const done = params.get("done");
  const warning = params.get("warning");
  const connected = Boolean(connection.botToken && connection.signingSecret);
  return (
    <>
      <div className="page-header">
        <div>
          <h1>
            Slack{" "}
            <span className={`badge ${connected ? (connection.testedAt ? "badge-success" : "badge-warning") : "badge-danger"}`}>
              {connected ? (connection.testedAt ? "Connected" : "Not tested") : "Not connected"}
            </span>
          </h1>
          <p>
            Customers write in a Slack channel shared with them; each new message there becomes a ticket of the organization the channel is mapped to, replies in
            its thread join the ticket, and agents’ public replies are posted back into the thread. Internal notes never leave the desk. The Slack app’s
            manifest and setup steps are in <code>docs/slack.md</code>.
          </p>
        </div>
      </div>
      {done === "tested" ? (
        <div className="alert alert-success" role="status">
          Connection works: the bot is signed in to {params.get("team") ?? "the workspace"}.
        </div>
      ) : done && doneText[done] ? (
        <div className="alert alert-success" role="status">
          {doneText[done]}
        </div>
      ) : null}
      {warning ? (
        <div className="alert alert-info" role="status">
          {warning}
        </div>
      ) : null}

      <div className="grid-2" style={{ alignItems: "start" }}>
        <section className="card" aria-labelledby="slack-connection">
          <h2 id="slack-connection" className="card-title">
            Workspace connection
          </h2>
          <dl className="details">
            <dt>Workspace</dt>
            <dd>{connection.teamName ? `${connection.teamName} (${connection.teamId})` : <span className="muted">Unknown until tested</span>}</dd>
            <dt>Bot user</dt>
            <dd>{connection.botUserId ?? <span className="muted">—</span>}</dd>
            <dt>Last tested</dt>
            <dd>{connection.testedAt ? formatDateTime(connection.testedAt, timeZone) : <span className="muted">Never</span>}</dd>
            <dt>Bot token</dt>
            <dd>
              <MaskedCredential value={connection.botToken} source={connection.tokenSource} />
            </dd>
            <dt>Signing secret</dt>
            <dd>
              <MaskedCredential value={connection.signingSecret} source={connection.secretSource} />
            </dd>
            <dt>Request URL</dt>
            <dd>
              <code>{loaderData.requestUrl}</code>
            </dd>
          </dl>
          <FormError failure={credFailure} />
          <Form method="post" className="form" aria-label="Slack credentials" key={`creds-${locationKey}`} style={{ marginTop: "var(--space-4)" }}>
            <input type="hidden" name="intent" value="save-credentials" />
            <Field
              label="Bot token"
              name="botToken"
              type="password"
              autoComplete="off"
              spellCheck={false}
              placeholder={connection.botToken ? "Leave blank to keep the current token" : "xoxb-…"}
              hint="Slack app → OAuth & Permissions → Bot User OAuth Token."
              error={credFailure?.fieldErrors.botToken}
            />
            <Field
              label="Signing secret"
              name="signingSecret"
              type="password"
              autoComplete="off"
              spellCheck={false}
              placeholder={connection.signingSecret ? "Leave blank to keep the current secret" : "Basic Information → App Credentials"}
              hint="Verifies that requests to the request URL come from Slack."
              error={credFailure?.fieldErrors.signingSecret}
            />
            {connection.tokenSource === "env" || connection.secretSource === "env" ? (
              <p className="muted">SLACK_BOT_TOKEN / SLACK_SIGNING_SECRET in the environment take precedence over what is saved here.</p>
            ) : null}
            <div className="actions">
              <SubmitButton pendingText="Saving…">Save credentials</SubmitButton>
            </div>
          </Form>
          <div className="actions" style={{ marginTop: "var(--space-3)" }}>
            <Form method="post">
              <input type="hidden" name="intent" value="test" />
              <SubmitButton className="btn btn-secondary" pendingText="Testing…">
                Test connection
              </SubmitButton>
            </Form>
            {connection.tokenSource === "settings" || connection.secretSource === "settings" ? (
              <Form method="post">
                <input type="hidden" name="intent" value="disconnect" />
                <SubmitButton className="btn btn-ghost" pendingText="Removing…">
                  Remove stored credentials
                </SubmitButton>
              </Form>
            ) : null}
          </div>
        </section>

        <section className="card" aria-labelledby="slack-map-new" style={{ marginTop: 0 }}>
          <h2 id="slack-map-new" className="card-title">
            Map a channel
          </h2>
          <p className="muted">
            Invite the bot to the channel first (<code>/invite @your-app</code>). Messages from people whose Slack email matches a contact of the organization
            are theirs; anyone else’s are filed for the fallback requester, with the Slack name in the message.
          </p>
          <FormError failure={mapFailure} />
          <Form method="post" className="form" aria-label="Map a channel" key={`map-${locationKey}`}>
            <input type="hidden" name="intent" value="map" />
            <Field
              label="Slack channel ID"
              name="channelId"
              required
              placeholder="C0123456789"
              autoComplete="off"
              spellCheck={false}
              hint="Channel details → About → Channel ID (at the bottom)."
              defaultValue={mapFailure?.values.channelId}
              error={mapFailure?.fieldErrors.channelId}
            />
            <div className="field">
              <label htmlFor="slack-org">Organization</label>
              <select
                id="slack-org"
                name="organizationId"
                defaultValue={mapFailure?.values.organizationId ?? ""}
                aria-invalid={mapFailure?.fieldErrors.organizationId ? true : undefined}
                aria-describedby={mapFailure?.fieldErrors.organizationId ? "slack-org-error" : undefined}
              >
                <option value="">Choose…</option>
                {organizations.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.name}
                  </option>
                ))}
              </select>
              {mapFailure?.fieldErrors.organizationId ? (
                <span className="error" id="slack-org-error">
                  {mapFailure.fieldErrors.organizationId}
                </span>
              ) : null}
            </div>
            <div className="field">
              <label htmlFor="slack-fallback">Fallback requester</label>
              <select
                id="slack-fallback"
                name="fallbackRequesterId"
                defaultValue={mapFailure?.values.fallbackRequesterId ?? ""}
                aria-invalid={mapFailure?.fieldErrors.fallbackRequesterId ? true : undefined}
                aria-describedby={["slack-fallback-hint", mapFailure?.fieldErrors.fallbackRequesterId ? "slack-fallback-error" : ""].filter(Boolean).join(" ")}
              >
                <option value="">Choose…</option>
                {organizations.map((o) => {
                  const people = contacts.filter((c) => c.organizationId === o.id);
                  return people.length ? (
                    <optgroup key={o.id} label={o.name}>
                      {people.map((c) => (
                        <option key={c.id} value={c.id}>
                          {c.name} ({c.email})
                        </option>
                      ))}
                    </optgroup>
                  ) : null;
                })}
              </select>
              <span className="hint" id="slack-fallback-hint">
                A contact of the chosen organization.
              </span>
              {mapFailure?.fieldErrors.fallbackRequesterId ? (
                <span className="error" id="slack-fallback-error">
                  {mapFailure.fieldErrors.fallbackRequesterId}
                </span>
              ) : null}
            </div>
            <div className="actions">
              <SubmitButton pendingText="Saving…">Save mapping</SubmitButton>
            </div>
          </Form>
        </section>
      </div>

      <section aria-labelledby="slack-mappings" style={{ marginTop: "var(--space-5)" }}>
        <h2 id="slack-mappings">Channel mappings</h2>
        <DataTable
          caption="Slack channels mapped to organizations"
          columns={["Channel", "Organization", "Fallback requester", { label: "Actions", hiddenLabel: true }]}
          rows={mappings}
          empty={
            <div className="empty">
              <h3>No channels mapped yet</h3>
              <p>Map a Slack channel to an organization above; messages in unmapped channels are ignored.</p>
            </div>
          }
          row={(m) => (
            <tr key={m.id}>
              <td>
                {m.channelName ? <strong>#{m.channelName}</strong> : <span className="muted">name unknown</span>} <code>{m.channelId}</code>
              </td>
              <td>
                <Link to={`/admin/organizations/${m.organizationId}`}>{m.organizationName}</Link>
              </td>
              <td>
                {m.fallbackName} <span className="muted">{m.fallbackEmail}</span>
              </td>
              <td>
                <Form method="post">
                  <input type="hidden" name="intent" value="unmap" />
                  <input type="hidden" name="mappingId" value={m.id} />
                  <button type="submit" className="btn btn-ghost btn-sm" aria-label={`Remove the mapping of ${m.channelName ? `#${m.channelName}` : m.channelId}`}>
                    Remove
                  </button>
                </Form>
              </td>
            </tr>
          )}
        />
      </section>

      <section aria-labelledby="slack-recent" style={{ marginTop: "var(--space-5)" }}>
        <h2 id="slack-recent">Recent events</h2>
        <DataTable
          caption="Slack events received, newest first"
          columns={["Received", "Event", "Status", "Outcome"]}
          rows={recent}
          empty="No events received yet. Slack sends them to the request URL once the app’s event subscriptions are enabled."
          row={(r) => (
            <tr key={r.eventId}>
              <td>{formatDateTime(r.receivedAt, timeZone)}</td>
              <td>
                {r.type} <code className="muted">{r.eventId}</code>
              </td>
              <td>
                <span className={`badge ${r.status === "done" ? "badge-success" : r.status === "received" ? "badge-accent" : ""}`}>{r.status}</span>
              </td>
              <td>
                {r.ticketNumber ? <Link to={`/desk/tickets/${r.ticketNumber}`}>#{r.ticketNumber}</Link> : null} {r.outcome ?? (r.status === "received" ? "processing…" : "")}
              </td>
            </tr>
          )}
        />
      </section>
    </>
  );
}
