import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { auditEvents, emailOutbox } from "../../db/schema";
import { db } from "~/lib/db.server";
import { inviteUser, requestPasswordReset } from "~/modules/auth/account.server";
import { action as loginAction } from "~/routes/auth/login";
import { action as logoutAction } from "~/routes/auth/logout";
import { action as accountAction } from "~/routes/auth/account";
import { action as resetAction } from "~/routes/auth/reset-password";
import { action as inviteAction } from "~/routes/auth/invite";
import { createOrganization, createUser } from "../support/factories";
import { call, postForm, signInAs } from "../support/requests";

async function eventsOf(userId: string) {
  return db().select().from(auditEvents).where(eq(auditEvents.targetId, userId)).orderBy(auditEvents.id);
}

async function tokenFromMail(address: string, path: string): Promise<string> {
  const mails = await db().select().from(emailOutbox).where(eq(emailOutbox.toAddress, address));
  const token = mails.at(-1)?.text.match(new RegExp(`/${path}/([a-z2-7]+)`))?.[1];
  if (!token) throw new Error(`no ${path} mail`);
  return token;
}

describe("audit events of authentication", () => {
  it("records sign-in, failed sign-in and sign-out with the client IP", async () => {
    const user = await createUser(db(), { password: "audit-password-1" });
    await call(loginAction, postForm("/login", { email: user.email, password: "wrong-password-1" }), {}, "198.51.100.20");
    const ok = await call(loginAction, postForm("/login", { email: user.email, password: "audit-password-1" }), {}, "198.51.100.21");
    const cookie = ok.headers.get("set-cookie")!.split(";")[0]!;
    await call(logoutAction, postForm("/logout", {}, { cookie, token: "", user: { ...user, role: user.role } }), {}, "198.51.100.22");

    const events = await eventsOf(user.id);
    expect(events.map((e) => [e.action, e.ip, e.actorId])).toEqual([
      ["auth.sign_in_failed", "198.51.100.20", user.id],
      ["auth.sign_in", "198.51.100.21", user.id],
      ["auth.sign_out", "198.51.100.22", user.id],
    ]);
    expect(events[0]!.data).toEqual({ email: user.email });
  });

  it("records a failed sign-in for an unknown address without an actor", async () => {
    await call(loginAction, postForm("/login", { email: "ghost-audit@example.test", password: "whatever-123" }), {}, "198.51.100.30");
    const rows = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "auth.sign_in_failed"), eq(auditEvents.ip, "198.51.100.30")));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.actorId).toBeNull();
    expect(rows[0]!.data).toEqual({ email: "ghost-audit@example.test" });
  });

  it("records a password change, without the password", async () => {
    const user = await createUser(db(), { password: "audit-password-2" });
    const me = await signInAs(user);
    const res = await call(
      accountAction,
      postForm("/account", { intent: "password", currentPassword: "audit-password-2", password: "audit-password-3", confirmPassword: "audit-password-3" }, me),
      {},
      "198.51.100.40",
    );
    expect(res.status).toBe(302);
    const events = await eventsOf(user.id);
    expect(events.map((e) => e.action)).toEqual(["auth.password_changed"]);
    expect(events[0]!.ip).toBe("198.51.100.40");
    expect(JSON.stringify(events)).not.toContain("audit-password");
  });

  it("records a reset request and the reset", async () => {
    const user = await createUser(db());
    await requestPasswordReset(user.email, "198.51.100.50");
    const token = await tokenFromMail(user.email, "reset-password");
    const res = await call(resetAction, postForm(`/reset-password/${token}`, { password: "reset-audit-99", confirmPassword: "reset-audit-99" }), { token }, "198.51.100.51");
    expect(res.status).toBe(302);
    const events = await eventsOf(user.id);
    expect(events.map((e) => [e.action, e.ip])).toEqual([
      ["auth.password_reset_requested", "198.51.100.50"],
      ["auth.password_reset", "198.51.100.51"],
    ]);
  });

  it("records the invitation and its acceptance", async () => {
    const admin = await createUser(db(), { role: "admin" });
    const org = await createOrganization(db());
    const { userId } = await inviteUser({
      email: "audit-invitee@example.test",
      role: "customer",
      organizationId: org.id,
      invitedBy: { id: admin.id, name: admin.name },
      ip: "198.51.100.60",
    });
    const token = await tokenFromMail("audit-invitee@example.test", "invite");
    const res = await call(inviteAction, postForm(`/invite/${token}`, { name: "Audit Invitee", password: "invitee-pass-1", confirmPassword: "invitee-pass-1" }), { token }, "198.51.100.61");
    expect(res.status).toBe(302);
    const events = await eventsOf(userId);
    expect(events.map((e) => [e.action, e.actorId, e.ip])).toEqual([
      ["user.invited", admin.id, "198.51.100.60"],
      ["user.invitation_accepted", userId, "198.51.100.61"],
    ]);
  });

  it("records signing out the other sessions", async () => {
    const user = await createUser(db());
    const me = await signInAs(user);
    await signInAs(user);
    await call(accountAction, postForm("/account", { intent: "sign-out-others" }, me));
    const events = await eventsOf(user.id);
    expect(events.map((e) => [e.action, e.data])).toEqual([["auth.sign_out", { scope: "other_sessions", count: 1 }]]);
  });
});
