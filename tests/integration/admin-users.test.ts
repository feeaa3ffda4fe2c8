import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditEvents, emailOutbox, sessions, users } from "../../db/schema";
import { db } from "~/lib/db.server";
import { action, loader } from "~/routes/admin/users";
import { changeUserRole, setUserDisabled, UserAdminError } from "~/modules/orgs/users.server";
import { createInvitation, createOrganization, createUser } from "../support/factories";
import { call, contextFor, getRequest, postForm, signInAs, type SignedIn } from "../support/requests";

type Row = { id: string; email: string; role: string; status: string; organizationName: string | null; lastSignIn: string | null };
type Failure = { ok: false; fieldErrors: Record<string, string>; formError?: string; values: Record<string, string> };

let admin: SignedIn;
let agent: SignedIn;
let sales: SignedIn;
let customer: SignedIn;
let orgId: string;

beforeAll(async () => {
  const org = await createOrganization(db(), { name: "Umbrella", domain: "umbrella.test" });
  orgId = org.id;
  admin = await signInAs(await createUser(db(), { email: "root@staff.test", name: "Root Admin", role: "admin" }));
  agent = await signInAs(await createUser(db(), { email: "agent@staff.test", name: "Agent Smith", role: "agent" }));
  sales = await signInAs(await createUser(db(), { email: "sales@staff.test", name: "Sally Sales", role: "sales" }));
  customer = await signInAs(
    await createUser(db(), { email: "cust@umbrella.test", name: "Cora Customer", role: "customer", organizationId: org.id }),
  );
  await createInvitation(db(), { email: "pending@umbrella.test", name: "Pat Pending", organizationId: org.id });
  await createUser(db(), { email: "gone@umbrella.test", name: "Gus Gone", organizationId: org.id, disabledAt: new Date() });
});

async function sessionCount(userId: string): Promise<number> {
  return (await db().select().from(sessions).where(eq(sessions.userId, userId))).length;
}

async function auditRows(action: string, targetId: string) {
  return db()
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.action, action), eq(auditEvents.targetId, targetId)));
}

describe("/admin/users loader", () => {
  it("lists every user with role, organization and status for an admin", async () => {
    const res = await call(loader, getRequest("/admin/users", admin));
    expect(res.status).toBe(200);
    const rows = (res.data as { users: Row[] }).users;
    const byEmail = Object.fromEntries(rows.map((r) => [r.email, r]));
    expect(byEmail["root@staff.test"]).toMatchObject({ role: "admin", status: "active", organizationName: null });
    expect(byEmail["cust@umbrella.test"]).toMatchObject({ role: "customer", status: "active", organizationName: "Umbrella" });
    expect(byEmail["pending@umbrella.test"]).toMatchObject({ status: "invited" });
    expect(byEmail["gone@umbrella.test"]).toMatchObject({ status: "disabled" });
  });

  it("filters by role, status and text", async () => {
    const byRole = await call(loader, getRequest("/admin/users?role=agent", admin));
    expect((byRole.data as { users: Row[] }).users.map((r) => r.email)).toEqual(["agent@staff.test"]);
    const byStatus = await call(loader, getRequest("/admin/users?status=invited", admin));
    expect((byStatus.data as { users: Row[] }).users.map((r) => r.email)).toEqual(["pending@umbrella.test"]);
    const byText = await call(loader, getRequest("/admin/users?q=SALLY", admin));
    expect((byText.data as { users: Row[] }).users.map((r) => r.email)).toEqual(["sales@staff.test"]);
    const byEmail = await call(loader, getRequest("/admin/users?q=umbrella.test&status=disabled", admin));
    expect((byEmail.data as { users: Row[] }).users.map((r) => r.email)).toEqual(["gone@umbrella.test"]);
    // Unknown filter values are ignored rather than answered with an error.
    const bogus = await call(loader, getRequest("/admin/users?role=wizard&status=zzz", admin));
    expect(bogus.status).toBe(200);
    expect((bogus.data as { filters: { role: string } }).filters.role).toBe("");
  });

  it("redirects a signed-out visitor to sign in and back", async () => {
    const res = await call(loader, getRequest("/admin/users?role=agent"));
    expect(res.status).toBe(302);
    expect(res.location).toBe(`/login?redirectTo=${encodeURIComponent("/admin/users?role=agent")}`);
  });

  it.each([
    ["customer", () => customer],
    ["agent", () => agent],
    ["sales", () => sales],
  ])("refuses a %s with 403", async (_role, who) => {
    const res = await call(loader, getRequest("/admin/users", who()));
    expect(res.status).toBe(403);
  });
});

describe("inviting staff", () => {
  it("creates an invited user, mails the link and audits it", async () => {
    const res = await call(action, postForm("/admin/users", { intent: "invite", email: " New.Agent@Staff.test ", name: "Nia New", role: "agent" }, admin));
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({ ok: true, message: "Invitation sent to new.agent@staff.test." });
    const [row] = await db().select().from(users).where(eq(users.email, "new.agent@staff.test"));
    expect(row).toMatchObject({ role: "agent", name: "Nia New", passwordHash: null, organizationId: null });
    const mail = await db().select().from(emailOutbox).where(eq(emailOutbox.toAddress, "new.agent@staff.test"));
    expect(mail).toHaveLength(1);
    expect(mail[0]!.template).toBe("invitation");
    const [event] = await auditRows("user.invited", row!.id);
    expect(event).toMatchObject({ actorId: admin.user.id, data: { role: "agent" } });
  });

  it("answers 400 with field errors and keeps the input", async () => {
    const res = await call(action, postForm("/admin/users", { intent: "invite", email: "not-an-email", name: "Kept Name", role: "customer" }, admin));
    expect(res.status).toBe(400);
    const failure = res.data as Failure;
    expect(failure.fieldErrors.email).toMatch(/valid email/);
    expect(failure.fieldErrors.role).toMatch(/agent, sales or admin/);
    expect(failure.values).toMatchObject({ intent: "invite", email: "not-an-email", name: "Kept Name" });
  });

  it("refuses an email that already has an account, as a field error", async () => {
    const res = await call(action, postForm("/admin/users", { intent: "invite", email: "agent@staff.test", role: "sales" }, admin));
    expect(res.status).toBe(400);
    expect((res.data as Failure).fieldErrors.email).toMatch(/already has an account/);
    const [row] = await db().select().from(users).where(eq(users.email, "agent@staff.test"));
    expect(row!.role).toBe("agent");
  });

  it.each([
    ["agent", () => agent],
    ["sales", () => sales],
    ["customer", () => customer],
  ])("refuses a %s with 403", async (_role, who) => {
    const res = await call(action, postForm("/admin/users", { intent: "invite", email: `x-${_role}@staff.test`, role: "admin" }, who()));
    expect(res.status).toBe(403);
    expect(await db().select().from(users).where(eq(users.email, `x-${_role}@staff.test`))).toHaveLength(0);
  });

  it("redirects a signed-out POST to sign in", async () => {
    const res = await call(action, postForm("/admin/users", { intent: "invite", email: "anon@staff.test", role: "admin" }));
    expect(res.status).toBe(302);
    expect(res.location).toBe("/login?redirectTo=%2Fadmin%2Fusers");
  });
});

describe("changing roles", () => {
  it("changes a staff role, ends all their sessions and audits the change", async () => {
    const target = await createUser(db(), { email: "promote@staff.test", name: "Pro Mote", role: "agent" });
    const session = await signInAs(target);
    await signInAs(target);
    expect(await sessionCount(target.id)).toBe(2);
    const res = await call(action, postForm("/admin/users", { intent: "change-role", userId: target.id, role: "sales" }, admin));
    expect(res.status).toBe(200);
    expect((res.data as { message: string }).message).toMatch(/Pro Mote is now sales/);
    const [row] = await db().select().from(users).where(eq(users.id, target.id));
    expect(row!.role).toBe("sales");
    expect(await sessionCount(target.id)).toBe(0);
    expect((await contextFor(getRequest("/", session))).user).toBeNull();
    const [event] = await auditRows("user.role_changed", target.id);
    expect(event).toMatchObject({ actorId: admin.user.id, data: { from: "agent", to: "sales" } });
  });

  it("refuses to let an admin change their own role", async () => {
    const res = await call(action, postForm("/admin/users", { intent: "change-role", userId: admin.user.id, role: "agent" }, admin));
    expect(res.status).toBe(400);
    expect((res.data as Failure).formError).toBe("You cannot change your own role. Ask another administrator.");
    const [row] = await db().select().from(users).where(eq(users.id, admin.user.id));
    expect(row!.role).toBe("admin");
    expect(await sessionCount(admin.user.id)).toBeGreaterThan(0);
  });

  it("refuses to give a customer contact a staff role", async () => {
    const res = await call(action, postForm("/admin/users", { intent: "change-role", userId: customer.user.id, role: "admin" }, admin));
    expect(res.status).toBe(400);
    expect((res.data as Failure).formError).toMatch(/cannot be given a staff role/);
    const [row] = await db().select().from(users).where(eq(users.id, customer.user.id));
    expect(row!.role).toBe("customer");
  });

  it("refuses a role outside agent, sales and admin, and an unknown user", async () => {
    const bad = await call(action, postForm("/admin/users", { intent: "change-role", userId: agent.user.id, role: "customer" }, admin));
    expect(bad.status).toBe(400);
    const unknown = await call(
      action,
      postForm("/admin/users", { intent: "change-role", userId: "00000000-0000-4000-8000-000000000000", role: "sales" }, admin),
    );
    expect(unknown.status).toBe(404);
    expect((unknown.data as Failure).formError).toBe("That user does not exist.");
  });

  it("keeps at least one active administrator", async () => {
    // Only reachable when the acting admin is not an active admin themselves (defence in depth):
    // with no other active admin, demoting or disabling the last one is refused.
    await db().update(users).set({ role: "agent" }).where(eq(users.id, admin.user.id));
    const lone = await createUser(db(), { email: "lone@staff.test", name: "Lone Admin", role: "admin" });
    try {
      const others = await db().select().from(users).where(eq(users.role, "admin"));
      expect(others.filter((u) => !u.disabledAt && u.passwordHash).map((u) => u.id)).toEqual([lone.id]);
      await expect(changeUserRole(admin.user, lone.id, "agent", null)).rejects.toThrow("At least one active administrator must remain.");
      await expect(setUserDisabled(admin.user, lone.id, true, null)).rejects.toBeInstanceOf(UserAdminError);
      const [row] = await db().select().from(users).where(eq(users.id, lone.id));
      expect(row).toMatchObject({ role: "admin", disabledAt: null });
    } finally {
      await db().update(users).set({ role: "admin" }).where(eq(users.id, admin.user.id));
    }
    // With a second active admin, the first may be demoted by another.
    const { name } = await changeUserRole(admin.user, lone.id, "sales", null);
    expect(name).toBe("Lone Admin");
  });

  it.each([
    ["agent", () => agent],
    ["sales", () => sales],
    ["customer", () => customer],
  ])("refuses a %s with 403", async (_role, who) => {
    const res = await call(action, postForm("/admin/users", { intent: "change-role", userId: who().user.id, role: "admin" }, who()));
    expect(res.status).toBe(403);
    const [row] = await db().select().from(users).where(eq(users.id, who().user.id));
    expect(row!.role).not.toBe("admin");
  });
});

describe("disabling and enabling", () => {
  it("disables a user, ends every session, refuses sign-in and audits; enabling brings them back", async () => {
    const target = await createUser(db(), { email: "leaver@staff.test", name: "Lee Leaver", role: "agent" });
    const session = await signInAs(target);
    const res = await call(action, postForm("/admin/users", { intent: "disable", userId: target.id }, admin));
    expect(res.status).toBe(200);
    expect((res.data as { message: string }).message).toBe("Lee Leaver is disabled and was signed out everywhere.");
    expect(await sessionCount(target.id)).toBe(0);
    expect((await contextFor(getRequest("/", session))).user).toBeNull();
    const [row] = await db().select().from(users).where(eq(users.id, target.id));
    expect(row!.disabledAt).toBeInstanceOf(Date);
    expect(await auditRows("user.disabled", target.id)).toHaveLength(1);

    const listed = await call(loader, getRequest("/admin/users?status=disabled&q=leaver", admin));
    expect((listed.data as { users: Row[] }).users.map((r) => r.email)).toEqual(["leaver@staff.test"]);

    const again = await call(action, postForm("/admin/users", { intent: "disable", userId: target.id }, admin));
    expect(again.status).toBe(400);
    expect((again.data as Failure).formError).toBe("Lee Leaver is already disabled.");

    const enable = await call(action, postForm("/admin/users", { intent: "enable", userId: target.id }, admin));
    expect(enable.status).toBe(200);
    expect((enable.data as { message: string }).message).toBe("Lee Leaver can sign in again.");
    const [after] = await db().select().from(users).where(eq(users.id, target.id));
    expect(after!.disabledAt).toBeNull();
    expect(await auditRows("user.enabled", target.id)).toHaveLength(1);
  });

  it("refuses to let an admin disable themselves", async () => {
    const res = await call(action, postForm("/admin/users", { intent: "disable", userId: admin.user.id }, admin));
    expect(res.status).toBe(400);
    expect((res.data as Failure).formError).toBe("You cannot disable your own account. Ask another administrator.");
    const [row] = await db().select().from(users).where(eq(users.id, admin.user.id));
    expect(row!.disabledAt).toBeNull();
  });

  it("answers 400 for a malformed user id and an unknown intent", async () => {
    const bad = await call(action, postForm("/admin/users", { intent: "disable", userId: "nope" }, admin));
    expect(bad.status).toBe(400);
    const unknown = await call(action, postForm("/admin/users", { intent: "explode" }, admin));
    expect(unknown.status).toBe(400);
    expect((unknown.data as Failure).formError).toBe("Unknown action.");
  });

  it.each([
    ["agent", () => agent],
    ["sales", () => sales],
    ["customer", () => customer],
  ])("refuses a %s with 403", async (_role, who) => {
    const res = await call(action, postForm("/admin/users", { intent: "disable", userId: admin.user.id }, who()));
    expect(res.status).toBe(403);
    const [row] = await db().select().from(users).where(eq(users.id, admin.user.id));
    expect(row!.disabledAt).toBeNull();
  });

  it("shows an organization member's organization", async () => {
    const res = await call(loader, getRequest(`/admin/users?q=cora`, admin));
    expect((res.data as { users: (Row & { organizationId: string })[] }).users[0]).toMatchObject({ organizationId: orgId });
  });
});
