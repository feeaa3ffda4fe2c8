import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { businessCalendars, jobs, slaPolicies } from "../../db/schema";
import { db } from "~/lib/db.server";
import { action as calendarAction, loader as calendarLoader } from "~/routes/admin/sla-calendar";
import { action as policyAction } from "~/routes/admin/sla-policy";
import { action as ruleAction } from "~/routes/admin/sla-rule";
import { action as slaAction, loader as slaLoader } from "~/routes/admin/sla";
import { loader as reportsLoader } from "~/routes/desk/reports-sla";
import { parseIcsHolidays } from "~/modules/sla/calendar-form";
import { createOrganization, createUser } from "../support/factories";
import { call, getRequest, postForm, signInAs, url, type SignedIn } from "../support/requests";
import { env } from "~/lib/env.server";

let admin: SignedIn, customer: SignedIn, sales: SignedIn, agent: SignedIn;

const week = { hours_mon: "09:00-12:00, 13:00-17:00", hours_tue: "09:00-17:00", hours_wed: "09:00-17:00", hours_thu: "09:00-17:00", hours_fri: "09:00-15:00", hours_sat: "", hours_sun: "" };

beforeAll(async () => {
  const org = await createOrganization(db(), { name: "Acme", plan: "enterprise" });
  admin = await signInAs(await createUser(db(), { role: "admin" }));
  agent = await signInAs(await createUser(db(), { role: "agent" }));
  sales = await signInAs(await createUser(db(), { role: "sales" }));
  customer = await signInAs(await createUser(db(), { role: "customer", organizationId: org.id }));
});

describe("/admin/sla", () => {
  it("refuses customers and sales (403), and customers the reports", async () => {
    for (const who of [customer, sales, agent]) {
      expect((await call(slaLoader, getRequest("/admin/sla", who))).status).toBe(403);
      expect((await call(calendarLoader, getRequest("/admin/sla/calendars/new", who), { id: "new" })).status).toBe(403);
      expect((await call(slaAction, postForm("/admin/sla", { intent: "move", id: crypto.randomUUID(), direction: "up" }, who))).status).toBe(403);
    }
    for (const who of [customer, sales]) expect((await call(reportsLoader, getRequest("/desk/reports/sla", who))).status).toBe(403);
    expect((await call(reportsLoader, getRequest("/desk/reports/sla", agent))).status).toBe(200);
    expect((await call(slaLoader, getRequest("/admin/sla", null))).status).toBe(302);
  });

  it("shows validateCalendar's messages beside the fields and keeps the input", async () => {
    const res = await call(
      calendarAction,
      postForm("/admin/sla/calendars/new", { intent: "save", name: "Broken", timeZone: "Mars/Olympus", holidays: "2026-12-25\nnot-a-date", ...week, hours_mon: "09:00-13:00, 12:00-17:00", hours_tue: "22:00-02:00" }, admin),
      { id: "new" },
    );
    expect(res.status).toBe(400);
    const d = res.data as { fieldErrors: Record<string, string>; values: Record<string, string> };
    expect(d.fieldErrors.timeZone).toMatch(/Unknown time zone/);
    expect(d.fieldErrors.hours_mon).toMatch(/overlap/);
    expect(d.fieldErrors.hours_tue).toMatch(/cannot cross midnight/);
    expect(d.fieldErrors.holidays).toMatch(/not-a-date/);
    expect(d.values.hours_mon).toBe("09:00-13:00, 12:00-17:00");
    expect(await db().select().from(businessCalendars)).toHaveLength(0);
  });

  it("imports holidays from an .ics file, offers a 24/7 preset, saves, and a policy edit queues one recompute", async () => {
    const ics = ["BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20261225", "DTEND;VALUE=DATE:20261227", "SUMMARY:Christmas", "END:VEVENT", "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20261003", "SUMMARY:Tag der Deutschen", " Einheit", "END:VEVENT", "END:VCALENDAR"].join("\r\n");
    expect(parseIcsHolidays(ics)).toEqual([
      { date: "2026-10-03", name: "Tag der DeutschenEinheit" },
      { date: "2026-12-25", name: "Christmas" },
      { date: "2026-12-26", name: "Christmas" },
    ]);
    const form = new FormData();
    for (const [k, v] of Object.entries({ intent: "import", name: "Berlin", timeZone: "Europe/Berlin", holidays: "2026-01-01 New Year", ...week })) form.append(k, v);
    form.append("ics", new File([ics], "holidays.ics", { type: "text/calendar" }));
    const req = new Request(url("/admin/sla/calendars/new"), { method: "POST", body: form, headers: { origin: new URL(env().APP_URL).origin, cookie: admin.cookie } });
    const imported = await call(calendarAction, req, { id: "new" });
    expect(imported.status).toBe(200);
    const values = (imported.data as { values: Record<string, string> }).values;
    expect(values.holidays.split("\n")).toEqual(["2026-01-01 New Year", "2026-10-03 Tag der DeutschenEinheit", "2026-12-25 Christmas", "2026-12-26 Christmas"]);

    const preset = await call(calendarAction, postForm("/admin/sla/calendars/new", { intent: "preset-247", name: "Always", timeZone: "UTC", holidays: "2026-01-01", ...week }, admin), { id: "new" });
    expect((preset.data as { values: Record<string, string> }).values).toMatchObject({ hours_sun: "00:00-24:00", holidays: "" });

    const saved = await call(calendarAction, postForm("/admin/sla/calendars/new", { ...values, intent: "save" }, admin), { id: "new" });
    expect(saved.status).toBe(302);
    const [cal] = await db().select().from(businessCalendars);
    expect(cal!.hours.mon).toEqual([{ start: "09:00", end: "12:00" }, { start: "13:00", end: "17:00" }]);
    expect(cal!.holidays).toEqual(["2026-01-01", "2026-10-03", "2026-12-25", "2026-12-26"]);

    const bad = await call(policyAction, postForm("/admin/sla/policies/new", { name: "Gold", active: "on", calendarId: cal!.id, warnPercent: "150", t_high_firstResponse: "-3", u_high_firstResponse: "hours" }, admin), { id: "new" });
    expect(bad.status).toBe(400);
    expect((bad.data as { fieldErrors: Record<string, string> }).fieldErrors).toMatchObject({ warnPercent: expect.any(String), t_high_firstResponse: expect.any(String) });

    const ok = await call(
      policyAction,
      postForm("/admin/sla/policies/new", { name: "Gold", active: "on", plans: ["enterprise"], calendarId: cal!.id, warnPercent: "75", pauseStatuses: ["pending"], t_high_firstResponse: "4", u_high_firstResponse: "hours", t_high_resolution: "90", u_high_resolution: "minutes" }, admin),
      { id: "new" },
    );
    expect(ok.status).toBe(302);
    const [p] = await db().select().from(slaPolicies);
    expect(p).toMatchObject({ name: "Gold", plans: ["enterprise"], warnFraction: 0.75, pauseStatuses: ["pending"], targets: { high: { firstResponseMinutes: 240, resolutionMinutes: 90 } } });
    const queued = await db().select().from(jobs).where(eq(jobs.type, "sla.recompute"));
    expect(queued).toHaveLength(1);
    // A second edit while one is queued does not queue another.
    await call(policyAction, postForm(`/admin/sla/policies/${p!.id}`, { name: "Gold", active: "on", calendarId: cal!.id, warnPercent: "80" }, admin), { id: p!.id });
    expect(await db().select().from(jobs).where(eq(jobs.type, "sla.recompute"))).toHaveLength(1);
    const page = await call(slaLoader, getRequest("/admin/sla", admin));
    expect((page.data as { recompute: { status: string } }).recompute.status).toBe("queued");

    const rule = await call(ruleAction, postForm("/admin/sla/rules/new", { name: "Ping", active: "on", metric: "any", trigger: "breach", webhookUrl: "ftp://x" }, admin), { id: "new" });
    expect(rule.status).toBe(400);
    expect((rule.data as { fieldErrors: Record<string, string> }).fieldErrors.webhookUrl).toMatch(/https/);
  });
});
