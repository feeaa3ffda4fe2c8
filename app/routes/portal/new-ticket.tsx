import { randomUUID } from "node:crypto";
import { useEffect, useState } from "react";
import { data, Form, Link, redirect } from "react-router";
import { z } from "zod";
import type { Route } from "./+types/new-ticket";
import { Field, FormError, SelectField, SubmitButton } from "~/components/form";
import { db } from "~/lib/db.server";
import { formFailure, formValues, parseForm } from "~/lib/forms";
import { renderMarkdown } from "~/lib/markdown";
import { requirePermission } from "~/modules/auth/guard.server";
import { prioritiesForPlan, priorityLabels, ticketCategories, ticketPriorities } from "~/modules/tickets/model";
import { createTicketAsCustomer, TicketError } from "~/modules/tickets/tickets.server";
import { filesFrom, readTicketForm } from "~/modules/tickets/uploads.server";
import { ArticleSuggestions } from "~/components/kb-suggestions";
import { checkFirstSuggestions, recordTicketFiled } from "~/modules/kb/deflection.server";
import { organizations } from "../../../db/schema";
import { eq } from "drizzle-orm";

export const meta: Route.MetaFunction = () => [{ title: "New ticket · Support Portal" }];

export const newTicketSchema = z.object({
  subject: z.string().trim().min(3, "Give the ticket a subject of at least 3 characters.").max(200, "Keep the subject under 200 characters."),
  description: z.string().trim().min(10, "Describe the problem in at least 10 characters.").max(50_000, "The description is too long."),
  priority: z.enum(ticketPriorities, { message: "Choose a priority." }),
  category: z.enum(ticketCategories, { message: "Choose a category." }),
  idempotencyKey: z.string().uuid("Reload the page and try again."),
  intent: z.enum(["submit", "preview"]).default("submit"),
});

async function planOf(organizationId: string | null) {
  if (!organizationId) return "standard" as const;
  const [org] = await db().select({ plan: organizations.plan }).from(organizations).where(eq(organizations.id, organizationId));
  return org?.plan ?? "standard";
}

export async function loader({ url, context }: Route.LoaderArgs) {
  const user = requirePermission(url, context, "view:portal");
  const plan = await planOf(user.organizationId);
  return { plan, priorities: prioritiesForPlan(plan), idempotencyKey: randomUUID() };
}

export async function action({ request, url, context }: Route.ActionArgs) {
  const user = requirePermission(url, context, "view:portal");
  const form = await readTicketForm(request);
  const parsed = parseForm(form, newTicketSchema);
  if (!parsed.success) return parsed.response;
  if (parsed.data.intent === "preview") {
    return data({ ok: true as const, preview: renderMarkdown(parsed.data.description), values: formValues(form) });
  }
  const { files, error } = await filesFrom(form);
  if (error) return formFailure(form, { attachments: error });
  // Without JavaScript the suggestions could not appear while typing: show them once first.
  const suggestions = await checkFirstSuggestions(user, { subject: parsed.data.subject, description: parsed.data.description, form });
  if (suggestions) {
    return data({ ok: true as const, checkFirst: suggestions, hadFiles: files.length > 0, values: formValues(form) });
  }
  try {
    const { number, created } = await createTicketAsCustomer(user, {
      subject: parsed.data.subject,
      description: parsed.data.description,
      priority: parsed.data.priority,
      category: parsed.data.category,
      idempotencyKey: parsed.data.idempotencyKey,
      files,
    });
    if (created) await recordTicketFiled({ userId: user.id });
    return redirect(`/portal/tickets/${number}?created=1`);
  } catch (e) {
    if (e instanceof TicketError) return formFailure(form, e.field ? { [e.field]: e.message } : {}, e.field ? undefined : e.message, e.status);
    throw e;
  }
}

/** With JavaScript the suggestions appear while typing, so the "check these first" step is skipped. */
function SuggestionsSeenFlag() {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated ? <input type="hidden" name="kbSuggestionsSeen" value="1" /> : null;
}

export default function NewTicket({ loaderData, actionData }: Route.ComponentProps) {
  const failure = actionData && !actionData.ok ? actionData : undefined;
  const preview = actionData && actionData.ok && "preview" in actionData ? actionData : undefined;
  const checkFirst = actionData && actionData.ok && "checkFirst" in actionData ? actionData : undefined;
  const values = failure?.values ?? preview?.values ?? checkFirst?.values ?? {};
  return (
    <>
      <div className="page-header">
        <div>
          <h1>New ticket</h1>
          <p>Tell us what happened. We answer by email and on this portal.</p>
        </div>
        <Link to="/portal" className="btn btn-secondary">
          Back to my tickets
        </Link>
      </div>
      <div className="ticket-form-layout">
      <div className="card">
        <FormError failure={failure} />
        {checkFirst ? (
          <section className="alert alert-info" aria-labelledby="check-first-title" role="status">
            <h2 id="check-first-title" className="card-title">
              Check these first
            </h2>
            <p>These help articles may already answer your question:</p>
            <ul>
              {checkFirst.checkFirst.map((s) => (
                <li key={s.id}>
                  <a href={`${s.url}?ref=ticket-form`}>{s.title}</a>
                </li>
              ))}
            </ul>
            <p className="small">
              Still need help? Press “Submit ticket” again to file it.
              {checkFirst.hadFiles ? " Please choose your attachments again." : ""}
            </p>
          </section>
        ) : null}
        <Form method="post" encType="multipart/form-data" className="form" noValidate aria-label="New ticket">
          <input type="hidden" name="idempotencyKey" value={values.idempotencyKey ?? loaderData.idempotencyKey} />
          {checkFirst ? <input type="hidden" name="kbCheckedFirst" value="1" /> : null}
          <SuggestionsSeenFlag />
          <Field label="Subject" name="subject" required maxLength={200} defaultValue={values.subject} error={failure?.fieldErrors.subject} />
          <div className="field">
            <label htmlFor="description">Description</label>
            <textarea
              id="description"
              name="description"
              required
              rows={8}
              defaultValue={values.description}
              aria-invalid={failure?.fieldErrors.description ? true : undefined}
              aria-describedby="description-hint"
            />
            <span className="hint" id="description-hint">
              Markdown works: **bold**, `code`, lists and links. Use Preview to check it.
            </span>
            {failure?.fieldErrors.description ? <span className="error">{failure.fieldErrors.description}</span> : null}
          </div>
          {preview ? (
            <section className="card preview" aria-label="Preview of the description">
              <h2 className="card-title">Preview</h2>
              <div className="markdown" dangerouslySetInnerHTML={{ __html: preview.preview }} />
            </section>
          ) : null}
          <div className="grid-2">
            <SelectField
              label="Priority"
              name="priority"
              defaultValue={values.priority ?? "normal"}
              options={loaderData.priorities.map((p) => ({ value: p, label: priorityLabels[p] }))}
              hint={loaderData.plan === "standard" ? "Urgent priority is part of the enterprise and beta plans." : "Use Urgent only when production is down."}
              error={failure?.fieldErrors.priority}
            />
            <SelectField
              label="Category"
              name="category"
              defaultValue={values.category ?? "Question"}
              options={ticketCategories.map((c) => ({ value: c, label: c }))}
              error={failure?.fieldErrors.category}
            />
          </div>
          <div className="field">
            <label htmlFor="attachments">Attachments</label>
            <input id="attachments" name="attachments" type="file" multiple aria-describedby="attachments-hint" />
            <span className="hint" id="attachments-hint">
              Up to 5 files of 10 MB: images, PDF, text, CSV, JSON or ZIP.
            </span>
            {failure?.fieldErrors.attachments ? <span className="error">{failure.fieldErrors.attachments}</span> : null}
          </div>
          <div className="actions">
            <SubmitButton name="intent" value="submit" pendingText="Sending…">
              Submit ticket
            </SubmitButton>
            <SubmitButton name="intent" value="preview" className="btn btn-secondary">
              Preview
            </SubmitButton>
          </div>
        </Form>
      </div>
      <ArticleSuggestions fields={["subject", "description"]} initial={checkFirst?.checkFirst ?? []} />
      </div>
    </>
  );
}
