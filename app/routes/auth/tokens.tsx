import { data, Form, Link, redirect, useSearchParams } from "react-router";
import type { Route } from "./+types/tokens";
import { ApiUsageChart } from "~/components/api-usage-chart";
import { DataTable } from "~/components/data-table";
import { Field, FormError, SelectField, SubmitButton } from "~/components/form";
import { formFailure, isFormFailure, parseForm, readForm } from "~/lib/forms";
import { now } from "~/lib/clock";
import { createTokenSchema, revokeTokenSchema } from "~/modules/api/forms";
import { grantableScopes, scopeDescriptions, tokenLifetimesDays } from "~/modules/api/scopes";
import { createApiToken, listAllActiveApiTokens, listApiTokens, revokeApiToken, TokenError, usageByToken } from "~/modules/api/tokens.server";
import { requirePermission } from "~/modules/auth/guard.server";
import { can } from "~/modules/auth/permissions";

export const meta: Route.MetaFunction = () => [{ title: "API tokens · Support Portal" }];

export async function loader({ url, context }: Route.LoaderArgs) {
  const user = requirePermission(url, context, "manage:api-tokens:own");
  const tokens = await listApiTokens(user.id);
  // Admins also see every user's active tokens and their usage (and may revoke them).
  const others = can(user, "manage:api-tokens:any") ? (await listAllActiveApiTokens()).filter((t) => !tokens.some((o) => o.id === t.id)) : null;
  const usage = await usageByToken([...tokens.map((t) => t.id), ...(others ?? []).map((t) => t.id)]);
  const at = now().getTime();
  const format = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: user.timeZone ?? "UTC" });
  const formatTime = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: user.timeZone ?? "UTC" });
  return {
    scopes: grantableScopes(user.role).map((s) => ({ scope: s, description: scopeDescriptions[s] })),
    lifetimes: tokenLifetimesDays.map(String),
    tokens: tokens.map((t) => ({
      id: t.id,
      name: t.name,
      prefix: t.prefix,
      scopes: t.scopes,
      created: format.format(t.createdAt),
      lastUsed: t.lastUsedAt ? formatTime.format(t.lastUsedAt) : null,
      expires: format.format(t.expiresAt),
      state: t.revokedAt ? ("revoked" as const) : t.expiresAt.getTime() <= at ? ("expired" as const) : ("active" as const),
      usage: usage.get(t.id) ?? [],
    })),
    others: others
      ? others.map((t) => ({
          id: t.id,
          name: t.name,
          prefix: t.prefix,
          owner: t.ownerEmail,
          scopes: t.scopes,
          lastUsed: t.lastUsedAt ? formatTime.format(t.lastUsedAt) : null,
          expires: format.format(t.expiresAt),
          usage: usage.get(t.id) ?? [],
        }))
      : null,
  };
}

export async function action({ request, url, context }: Route.ActionArgs) {
  const user = requirePermission(url, context, "manage:api-tokens:own");
  const form = await readForm(request);
  const intent = form.get("intent");
  if (intent === "create") {
    const parsed = parseForm(form, createTokenSchema);
    if (!parsed.success) return parsed.response;
    try {
      const created = await createApiToken(user, { name: parsed.data.name, scopes: parsed.data.scopes, lifetimeDays: parsed.data.expiresInDays }, context.ip);
      return data({ ok: true as const, created: { token: created.token, name: parsed.data.name } }, { headers: { "Cache-Control": "no-store" } });
    } catch (error) {
      if (error instanceof TokenError) return formFailure(form, error.field ? { [error.field]: error.message } : {}, error.field ? undefined : error.message);
      throw error;
    }
  }
  if (intent === "revoke") {
    const parsed = parseForm(form, revokeTokenSchema);
    if (!parsed.success) return parsed.response;
    const revoked = await revokeApiToken(user, parsed.data.tokenId, context.ip);
    if (!revoked) return formFailure(form, {}, "That token was not found or is already revoked.", 404);
    return redirect("/account/tokens?revoked=1");
  }
  return formFailure(form, {}, "That form could not be understood. Reload the page and try again.");
}

export default function ApiTokens({ loaderData, actionData }: Route.ComponentProps) {
  const { scopes, lifetimes, tokens, others } = loaderData;
  const failure = isFormFailure(actionData) ? actionData : null;
  const created = actionData && !isFormFailure(actionData) && "created" in actionData ? actionData.created : null;
  const [params] = useSearchParams();
  const chosen = failure?.values ? new Set(Object.entries(failure.values).filter(([k]) => k === "scopes").map(([, v]) => v)) : null;
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/account">Your account</Link> › API tokens
      </nav>
      <div className="page-header">
        <div>
          <h1>API tokens</h1>
          <p>
            Tokens let scripts and integrations use the <Link to="/docs/api">API</Link> as you, with the scopes you choose. Keep them secret.
          </p>
        </div>
      </div>

      {params.get("revoked") ? (
        <div className="alert alert-success" role="status">
          The token is revoked. Requests with it are refused from now on.
        </div>
      ) : null}

      {created ? (
        <section className="card" aria-labelledby="new-token-title" role="status">
          <h2 className="card-title" id="new-token-title">
            Your new token “{created.name}”
          </h2>
          <p>Copy it now: it is shown only this once, and we store only a hash of it.</p>
          <p>
            <label htmlFor="new-token">New token (shown once)</label>
            <input id="new-token" readOnly value={created.token} style={{ width: "100%", fontFamily: "var(--mono)", padding: "8px 10px", lineHeight: 1.5 }} />
          </p>
          <p className="small muted">Use it as the header Authorization: Bearer {created.token.slice(0, 10)}…</p>
        </section>
      ) : null}

      <section className="card" aria-labelledby="create-title">
        <h2 className="card-title" id="create-title">
          Create a token
        </h2>
        <FormError failure={failure} />
        {/* Remounted after a creation, so the form comes back empty. */}
        <Form method="post" key={created?.token ?? "new"}>
          <Field label="Name" name="name" required maxLength={80} hint="What will use it, e.g. “Nightly export”." error={failure?.fieldErrors.name} defaultValue={failure?.values.name} />
          <fieldset
            className="field"
            aria-describedby={failure?.fieldErrors.scopes ? "scopes-error" : undefined}
            style={{ border: "1px solid var(--border)", borderRadius: "var(--radius)", padding: "var(--space-3) var(--space-4)" }}
          >
            <legend>Scopes</legend>
            {scopes.map((s) => (
              <div key={s.scope}>
                <label style={{ fontWeight: 400 }}>
                  <input type="checkbox" name="scopes" value={s.scope} defaultChecked={chosen ? chosen.has(s.scope) : s.scope.endsWith(":read")} /> <code>{s.scope}</code>{" "}
                  <span className="muted small">{s.description}</span>
                </label>
              </div>
            ))}
            {failure?.fieldErrors.scopes ? (
              <span className="error" id="scopes-error">
                {failure.fieldErrors.scopes}
              </span>
            ) : null}
          </fieldset>
          <SelectField
            label="Expires after"
            name="expiresInDays"
            defaultValue={failure?.values.expiresInDays ?? "90"}
            error={failure?.fieldErrors.expiresInDays}
            options={lifetimes.map((d) => ({ value: d, label: `${d} days` }))}
          />
          <SubmitButton name="intent" value="create" pendingText="Creating…">
            Create token
          </SubmitButton>
        </Form>
      </section>

      <section className="card" aria-labelledby="tokens-title">
        <h2 className="card-title" id="tokens-title">
          Your tokens
        </h2>
        <DataTable
          caption="Your API tokens"
          columns={["Name", "Token", "Scopes", "Created", "Last used", "Expires", { label: "Actions", hiddenLabel: true }]}
          rows={tokens}
          empty="You have no tokens yet."
          row={(t) => (
            <tr key={t.id}>
              <td>
                {t.name}{" "}
                {t.state !== "active" ? <span className={`badge ${t.state === "revoked" ? "badge-danger" : "badge-warning"}`}>{t.state === "revoked" ? "Revoked" : "Expired"}</span> : null}
              </td>
              <td>
                <code>{t.prefix}…</code>
              </td>
              <td>{t.scopes.join(", ")}</td>
              <td>{t.created}</td>
              <td>{t.lastUsed ?? <span className="muted">never</span>}</td>
              <td>{t.expires}</td>
              <td>
                {t.state === "active" ? (
                  <Form method="post">
                    <input type="hidden" name="tokenId" value={t.id} />
                    <button type="submit" className="btn btn-danger btn-sm" name="intent" value="revoke" aria-label={`Revoke ${t.name} (${t.prefix}…)`}>
                      Revoke
                    </button>
                  </Form>
                ) : null}
              </td>
            </tr>
          )}
        />
      </section>

      {tokens.length ? (
        <section className="card" aria-labelledby="usage-title">
          <h2 className="card-title" id="usage-title">
            Usage in the last 30 days
          </h2>
          {tokens.map((t) => (
            <div key={t.id} style={{ marginBottom: "var(--space-4)" }}>
              <h3>
                {t.name} <code className="small">{t.prefix}…</code>
              </h3>
              <ApiUsageChart days={t.usage} label={`Usage of ${t.name}`} />
            </div>
          ))}
        </section>
      ) : null}

      {others ? (
        <section className="card" aria-labelledby="all-tokens-title">
          <h2 className="card-title" id="all-tokens-title">
            Everyone&apos;s active tokens
          </h2>
          <p className="small muted">Visible to administrators. Revoke a token that looks misused; its owner can create a new one.</p>
          <DataTable
            caption="Everyone's active API tokens"
            columns={["Owner", "Name", "Scopes", "Last used", "Usage, 30 days", { label: "Actions", hiddenLabel: true }]}
            rows={others}
            empty="No other active tokens."
            row={(t) => (
              <tr key={t.id}>
                <td>{t.owner}</td>
                <td>
                  {t.name} <code className="small">{t.prefix}…</code>
                </td>
                <td>{t.scopes.join(", ")}</td>
                <td>{t.lastUsed ?? <span className="muted">never</span>}</td>
                <td style={{ minWidth: 220 }}>
                  <ApiUsageChart days={t.usage} label={`Usage of ${t.name} (${t.owner})`} />
                </td>
                <td>
                  <Form method="post">
                    <input type="hidden" name="tokenId" value={t.id} />
                    <button type="submit" className="btn btn-danger btn-sm" name="intent" value="revoke" aria-label={`Revoke ${t.name} (${t.prefix}…) of ${t.owner}`}>
                      Revoke
                    </button>
                  </Form>
                </td>
              </tr>
            )}
          />
        </section>
      ) : null}
    </>
  );
}
