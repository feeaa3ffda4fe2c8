import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditEvents, groups } from "../../db/schema";
import { createOrganization, createUser } from "../../db/seed/factories";
import { parseCsv } from "~/lib/csv";
import { db } from "~/lib/db.server";
import { loader as auditLoader } from "~/routes/admin/audit";
import { loader as auditCsvLoader } from "~/routes/admin/audit-csv";
import { action as groupsAction } from "~/routes/admin/groups";
import { deleteCalendar, saveCalendar } from "~/modules/sla/admin.server";
import { twentyFourSeven } from "~/modules/sla/business-time";
import { call, getRequest, postForm, signInAs, type SignedIn } from "../support/requests";

let admin: SignedIn;
let agent: SignedIn;
let customer: SignedIn;
let orgId: string;
let agentId: string;

type Page = {
  rows: { id: number; action: string; actor: { email: string } | null; targetLabel: string | null; targetHref: string | null; ip: string | null; details: string }[];
  nextCursor: string | null;
  errors: Record<string, string>;
  values: Record<string, string>;
};

async function page(query = "", as: SignedIn = admin) {
  const res = await call(auditLoader, getRequest(`/admin/audit${query}`, as));
  return { status: res.status, data: res.data as Page };
}

beforeAll(async () => {
  const adminUser = await createUser(db(), { role: "admin", name: "Ada Admin", email: "ada@staff.test", timeZone: "Europe/Berlin" });
  const agentUser = await createUser(db(), { role: "agent", name: "@Agent Smith", email: "smith@staff.test" });
  const org = await createOrganization(db(), { name: '=HYPERLINK("http://evil.test")' });
  const customerUser = await createUser(db(), { role: "customer", organizationId: org.id });
  orgId = org.id;
  agentId = agentUser.id;
  [admin, agent, customer] = await Promise.all([signInAs(adminUser), signInAs(agentUser), signInAs(customerUser)]);
  // signInAs writes no audit rows; these are the only events besides the 60 of the paging test.
  await db()
    .insert(auditEvents)
    .values([
      // 23:30 on 1 March in Berlin (22:30 UTC)
      { at: new Date("2026-03-01T22:30:00Z"), actorId: adminUser.id, action: "user.role_changed", targetType: "user", targetId: agentUser.id, ip: "198.51.100.7", data: { from: "customer", to: "agent" } },
      // 00:30 on 2 March in Berlin, still 1 March in UTC
      { at: new Date("2026-03-01T23:30:00Z"), actorId: agentUser.id, action: "auth.sign_in", targetType: "user", targetId: agentUser.id, ip: "203.0.113.5" },
      { at: new Date("2026-03-02T10:00:00Z"), actorId: null, action: "organization.created", targetType: "organization", targetId: org.id, data: { name: org.name, via: "cli" } },
      { at: new Date("2026-03-03T10:00:00Z"), actorId: agentUser.id, action: "organization.updated", targetType: "organization", targetId: org.id, data: { note: "-2+3", tab: "\tcmd" } },
    ]);
});

describe("/admin/audit", () => {
  it("is for admins only", async () => {
    expect((await page("", agent)).status).toBe(403);
    expect((await page("", customer)).status).toBe(403);
    const anon = await call(auditLoader, getRequest("/admin/audit", null));
    expect(anon.status).toBe(302);
    expect(anon.location).toBe("/login?redirectTo=%2Fadmin%2Faudit");
    expect((await call(auditCsvLoader, getRequest("/admin/audit.csv", agent))).status).toBe(403);
  });

  it("lists events newest first with actor, target links and details", async () => {
    const { status, data } = await page();
    expect(status).toBe(200);
    expect(data.rows.map((r) => r.action)).toEqual(["organization.updated", "organization.created", "auth.sign_in", "user.role_changed"]);
    const [updated, created, signIn, roleChanged] = data.rows;
    expect(updated).toMatchObject({ actor: { email: "smith@staff.test" }, targetLabel: '=HYPERLINK("http://evil.test")', targetHref: `/admin/organizations/${orgId}` });
    expect(created!.actor).toBeNull();
    expect(signIn!.ip).toBe("203.0.113.5");
    expect(roleChanged).toMatchObject({ targetLabel: "smith@staff.test", targetHref: "/admin/users?q=smith%40staff.test", details: "to: agent, from: customer", ip: "198.51.100.7" });
  });

  it("filters by actor, action, target and days in the viewer's time zone", async () => {
    const actions = async (q: string) => (await page(q)).data.rows.map((r) => r.action);
    expect(await actions("?actor=smith")).toEqual(["organization.updated", "auth.sign_in"]);
    expect(await actions("?actor=Ada")).toEqual(["user.role_changed"]);
    expect(await actions("?actor=system")).toEqual(["organization.created"]);
    expect(await actions("?action=user.role_changed")).toEqual(["user.role_changed"]);
    expect(await actions("?targetType=organization")).toEqual(["organization.updated", "organization.created"]);
    expect(await actions(`?targetType=user&targetId=${agentId}`)).toEqual(["auth.sign_in", "user.role_changed"]);
    // 2 March in Berlin starts at 23:00 UTC on 1 March: the 23:30 UTC sign-in is in, the 22:30 one is not.
    expect(await actions("?from=2026-03-02&to=2026-03-02")).toEqual(["organization.created", "auth.sign_in"]);
    expect(await actions("?to=2026-03-01")).toEqual(["user.role_changed"]);
    expect(await actions("?from=2026-03-03")).toEqual(["organization.updated"]);
  });

  it("explains a bad filter and keeps what was typed", async () => {
    const bad = await page("?from=2026-02-30&actor=smith");
    expect(bad.status).toBe(200);
    expect(bad.data.errors.from).toBe("That is not a real date.");
    expect(bad.data.values).toMatchObject({ from: "2026-02-30", actor: "smith" });
    expect(bad.data.rows).toEqual([]);
    const reversed = await page("?from=2026-03-05&to=2026-03-01");
    expect(reversed.data.errors.to).toBe("The end date is before the start date.");
    const action = await page("?action=drop%20table");
    expect(action.data.errors.action).toBe("Choose an action from the list.");
  });

  it("exports the filtered log as CSV with formula-like cells neutralized", async () => {
    const res = await call(auditCsvLoader, getRequest("/admin/audit.csv?targetType=organization", admin));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="audit-log-\d{4}-\d{2}-\d{2}\.csv"$/);
    const table = parseCsv(String(res.data));
    expect(table[0]).toEqual(["time_utc", "actor_email", "actor_name", "action", "action_label", "target_type", "target_id", "target", "ip", "details_json"]);
    expect(table).toHaveLength(3);
    const [updated, created] = [table[1]!, table[2]!];
    expect(updated.slice(0, 4)).toEqual(["2026-03-03T10:00:00.000Z", "smith@staff.test", "'@Agent Smith", "organization.updated"]);
    expect(updated[7]).toBe(`'=HYPERLINK("http://evil.test")`);
    expect(JSON.parse(updated[9]!)).toEqual({ note: "-2+3", tab: "\tcmd" });
    expect(created.slice(1, 4)).toEqual(["", "system", "organization.created"]);
    // No cell starts with a formula character.
    for (const row of table) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);

    const bad = await call(auditCsvLoader, getRequest("/admin/audit.csv?to=yesterday", admin));
    expect(bad.status).toBe(400);
  });

  it("pages through many events with a keyset cursor, newest first, without gaps or repeats", async () => {
    const base = new Date("2026-04-01T00:00:00Z").getTime();
    // Two events share each instant: the id breaks the tie.
    await db()
      .insert(auditEvents)
      .values(Array.from({ length: 60 }, (_, i) => ({ at: new Date(base + Math.floor(i / 2) * 60_000), actorId: null, action: "api_token.created", targetType: "api_token", targetId: `t${i}` })));
    const first = await page("?action=api_token.created");
    expect(first.data.rows).toHaveLength(50);
    expect(first.data.nextCursor).toMatch(/^2026-04-01T00:\d{2}:00\.000000Z~\d+$/);
    const second = await page(`?action=api_token.created&after=${encodeURIComponent(first.data.nextCursor!)}`);
    expect(second.data.rows).toHaveLength(10);
    expect(second.data.nextCursor).toBeNull();
    const ids = [...first.data.rows, ...second.data.rows].map((r) => r.id);
    expect(new Set(ids).size).toBe(60);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
  });
});

describe("administrative changes are audited", () => {
  it("records group and SLA changes with the admin and IP, and shows them in the log", async () => {
    const created = await call(groupsAction, postForm("/admin/groups", { intent: "create", name: "Audited queue", description: "" }, admin), {}, "192.0.2.44");
    expect(created.status).toBe(302);
    const [group] = await db().select().from(groups).where(eq(groups.name, "Audited queue"));
    const deleted = await call(groupsAction, postForm("/admin/groups", { intent: "delete", groupId: group!.id }, admin), {}, "192.0.2.44");
    expect(deleted.status).toBe(302);

    const by = { actorId: admin.user.id, ip: "192.0.2.45" };
    const calendarId = await saveCalendar(null, "Audited hours", twentyFourSeven("Europe/Berlin"), {}, by);
    await deleteCalendar(calendarId, by);

    const groupEvents = await page("?actor=ada@staff.test&targetType=group");
    expect(groupEvents.data.rows.map((r) => [r.action, r.ip, r.details])).toEqual([
      ["group.deleted", "192.0.2.44", "name: Audited queue"],
      ["group.created", "192.0.2.44", "name: Audited queue"],
    ]);
    const slaEvents = await page("?actor=ada&targetType=sla_calendar");
    expect(slaEvents.data.rows.map((r) => [r.action, r.targetHref])).toEqual([
      ["sla.calendar_deleted", null],
      ["sla.calendar_saved", `/admin/sla/calendars/${calendarId}`],
    ]);
  });
});
