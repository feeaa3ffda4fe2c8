import { data, Form, Link, redirect } from "react-router";
import type { Route } from "./+types/sla-calendar";
import { Field, FormError, SubmitButton } from "~/components/form";
import { readForm, type FormFailure } from "~/lib/forms";
import { notFound, requirePermission } from "~/modules/auth/guard.server";
import { getCalendar, saveCalendar, SlaAdminError } from "~/modules/sla/admin.server";
import { WEEKDAYS } from "~/modules/sla/business-time";
import {
  aroundTheClockPreset,
  businessHoursPreset,
  calendarFromForm,
  hoursToText,
  parseHolidaysText,
  parseIcsHolidays,
  weekdayLabels,
} from "~/modules/sla/calendar-form";

export const meta: Route.MetaFunction = ({ data }) => [{ title: `${data?.title ?? "Calendar"} · SLA · Admin` }];

function zones(): string[] {
  try {
    const list = Intl.supportedValuesOf("timeZone");
    return list.includes("UTC") ? list : ["UTC", ...list];
  } catch {
    return ["UTC", "Europe/Berlin", "Europe/London", "America/New_York"];
  }
}

export async function loader({ url, context, params }: Route.LoaderArgs) {
  requirePermission(url, context, "manage:sla");
  const isNew = params.id === "new";
  const row = isNew ? null : await getCalendar(params.id);
  if (!isNew && !row) notFound("There is no such calendar.");
  const values: Record<string, string> = row
    ? {
        name: row.name,
        timeZone: row.timeZone,
        holidays: row.holidays.join("\n"),
        ...Object.fromEntries(WEEKDAYS.map((d) => [`hours_${d}`, hoursToText(row.hours[d])])),
      }
    : { name: "", timeZone: "Europe/Berlin", holidays: "", ...Object.fromEntries(WEEKDAYS.map((d) => [`hours_${d}`, businessHoursPreset[d]])) };
  return { title: row ? row.name : "New calendar", isNew, values, zones: zones() };
}

type Result = FormFailure & { notice?: string };

function formStrings(form: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [k, v] of form.entries()) if (typeof v === "string") values[k] = v;
  return values;
}

export async function action({ request, url, context, params }: Route.ActionArgs) {
  const user = requirePermission(url, context, "manage:sla");
  const by = { actorId: user.id, ip: context.ip };
  const form = await readForm(request);
  const values = formStrings(form);
  const intent = values.intent ?? "save";
  const answer = (r: Omit<Result, "ok">, status = 200) => data<Result>({ ok: false, ...r }, { status });

  if (intent === "preset-247" || intent === "preset-business") {
    const preset = intent === "preset-247" ? aroundTheClockPreset : businessHoursPreset;
    const next = { ...values, ...Object.fromEntries(WEEKDAYS.map((d) => [`hours_${d}`, preset[d]])), ...(intent === "preset-247" ? { holidays: "" } : {}) };
    return answer({ fieldErrors: {}, values: next, notice: intent === "preset-247" ? "Filled in 24/7: every day 00:00–24:00, no holidays. Save to keep it." : "Filled in Monday to Friday 09:00–17:00. Save to keep it." });
  }

  // An attached .ics file adds its all-day events to the holidays (on import and on save).
  const file = form.get("ics");
  const extraErrors: Record<string, string> = {};
  let imported = 0;
  if (file && typeof file !== "string" && file.size > 0) {
    if (file.size > 1_000_000) extraErrors.ics = "The file is larger than 1 MB.";
    else {
      const events = parseIcsHolidays(await file.text());
      if (events.length === 0) extraErrors.ics = "No all-day events (DTSTART;VALUE=DATE) were found in this file.";
      const current = parseHolidaysText(values.holidays ?? "");
      const known = new Set(current.holidays);
      const lines = (values.holidays ?? "").split(/\r?\n/).filter((l) => l.trim());
      for (const e of events) {
        if (known.has(e.date)) continue;
        known.add(e.date);
        lines.push(e.name ? `${e.date} ${e.name}` : e.date);
        imported++;
      }
      values.holidays = lines.sort().join("\n");
    }
  } else if (intent === "import") {
    extraErrors.ics = "Choose an iCalendar (.ics) file to import.";
  }
  if (intent === "import") {
    return answer({ fieldErrors: extraErrors, values, notice: Object.keys(extraErrors).length ? undefined : `Imported ${imported} holiday(s). Review the list, then save.` }, Object.keys(extraErrors).length ? 400 : 200);
  }

  const { calendar, fieldErrors } = calendarFromForm(values);
  try {
    await saveCalendar(params.id === "new" ? null : params.id, values.name ?? "", calendar, { ...fieldErrors, ...extraErrors }, by);
  } catch (e) {
    if (e instanceof SlaAdminError) return answer({ fieldErrors: e.fieldErrors, formError: e.message, values }, e.status);
    throw e;
  }
  return redirect("/admin/sla?done=calendar");
}

export default function CalendarEdit({ loaderData, actionData }: Route.ComponentProps) {
  const result = actionData as Result | undefined;
  const values = result?.values ?? loaderData.values;
  const errors = result?.fieldErrors ?? {};
  return (
    <>
      <p className="breadcrumb">
        <Link to="/admin/sla">Service levels</Link> / Calendar
      </p>
      <div className="page-header">
        <div>
          <h1>{loaderData.title}</h1>
          <p>Business hours in the calendar’s time zone. Several intervals a day are separated by commas, e.g. “09:00-12:00, 13:00-17:00”; leave a day empty when closed; “24:00” ends a day.</p>
        </div>
      </div>
      <FormError failure={result?.formError ? result : undefined} />
      {result?.notice ? (
        <div className="alert alert-info" role="status">
          {result.notice}
        </div>
      ) : null}
      <Form method="post" encType="multipart/form-data" className="card form sla-form" key={JSON.stringify(values)} aria-label="Calendar">
        <Field label="Name" name="name" defaultValue={values.name} error={errors.name} required maxLength={80} />
        <div className="field">
          <label htmlFor="calendar-zone">Time zone</label>
          <select id="calendar-zone" name="timeZone" defaultValue={values.timeZone} aria-invalid={errors.timeZone ? true : undefined}>
            {(loaderData.zones.includes(values.timeZone ?? "") || !values.timeZone ? loaderData.zones : [values.timeZone!, ...loaderData.zones]).map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
          {errors.timeZone ? <span className="error">{errors.timeZone}</span> : null}
        </div>
        <fieldset className="sla-fieldset">
          <legend>Weekly hours</legend>
          <div className="sla-hours">
            {WEEKDAYS.map((d) => (
              <Field key={d} label={weekdayLabels[d]} name={`hours_${d}`} defaultValue={values[`hours_${d}`] ?? ""} error={errors[`hours_${d}`]} placeholder="closed" />
            ))}
          </div>
          <div className="actions">
            <button className="btn btn-sm btn-secondary" name="intent" value="preset-247" formNoValidate>
              Use 24/7
            </button>
            <button className="btn btn-sm btn-secondary" name="intent" value="preset-business" formNoValidate>
              Use Mon–Fri 09:00–17:00
            </button>
          </div>
        </fieldset>
        <div className="field">
          <label htmlFor="calendar-holidays">Holidays</label>
          <textarea
            id="calendar-holidays"
            name="holidays"
            rows={8}
            defaultValue={values.holidays}
            aria-describedby="calendar-holidays-hint"
            aria-invalid={errors.holidays ? true : undefined}
          />
          <span className="hint" id="calendar-holidays-hint">
            One local date per line (YYYY-MM-DD), optionally followed by a name. No business time on these days.
          </span>
          {errors.holidays ? <span className="error">{errors.holidays}</span> : null}
        </div>
        <div className="field">
          <label htmlFor="calendar-ics">Import holidays from an iCalendar file (.ics)</label>
          <input id="calendar-ics" type="file" name="ics" accept=".ics,text/calendar" aria-invalid={errors.ics ? true : undefined} />
          {errors.ics ? <span className="error">{errors.ics}</span> : null}
          <div>
            <button className="btn btn-sm btn-secondary" name="intent" value="import" formNoValidate>
              Import into the list
            </button>
          </div>
        </div>
        <div className="actions">
          <SubmitButton name="intent" value="save" pendingText="Saving…">
            Save calendar
          </SubmitButton>
          <Link to="/admin/sla" className="btn btn-ghost">
            Cancel
          </Link>
        </div>
      </Form>
    </>
  );
}
