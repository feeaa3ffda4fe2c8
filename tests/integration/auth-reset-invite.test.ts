import { afterEach, describe, expect, it } from "vitest";
import { and, desc, eq } from "drizzle-orm";
import { authTokens, emailOutbox, sessions, users } from "../../db/schema";
import { db } from "~/lib/db.server";
import { testClock } from "~/lib/clock";
import { resolveRequestContext } from "~/modules/auth/request-context.server";
import { inviteUser, requestPasswordReset } from "~/modules/auth/account.server";
import { verifyPassword } from "~/modules/auth/password.server";
import { action as forgotAction, SENT_MESSAGE } from "~/routes/auth/forgot-password";
import { action as resetAction, loader as resetLoader } from "~/routes/auth/reset-password";
import { action as inviteAction, loader as inviteLoader } from "~/routes/auth/invite";
import { action as loginAction } from "~/routes/auth/login";
import { createOrganization, createUser } from "../support/factories";
import { call, getRequest, postForm, signInAs } from "../support/requests";
import type { FormFailure } from "~/lib/forms";

afterEach(() => testClock.reset());

let ipCounter = 0;
/** A fresh client address per request, so the per-IP limits of these flows stay out of the way. */
const freshIp = () => `192.0.2.${++ipCounter}`;

async function mailsTo(address: string) {
  return db().select().from(emailOutbox).where(eq(emailOutbox.toAddress, address)).orderBy(desc(emailOutbox.id));
}

async function linkTokenFor(address: string, path: "reset-password" | "invite"): Promise<string> {
  const [mail] = await mailsTo(address);
  const match = mail?.text.match(new RegExp(`http://portal\\.test/${path}/([a-z2-7]+)`));
  if (!match) throw new Error(`no ${path} mail to ${address}`);
  return match[1]!;
}

const newPassword = { password: "brand-new-pass-1", confirmPassword: "brand-new-pass-1" };

describe("forgot password", () => {
  it("answers known and unknown addresses the same, and mails only the known one", async () => {
    const user = await createUser(db(), { email: "known-reset@example.test" });
    const known = await call(forgotAction, postForm("/forgot-password", { email: "Known-Reset@example.test" }), {}, freshIp());
    const unknown = await call(forgotAction, postForm("/forgot-password", { email: "nobody-here@example.test" }), {}, freshIp());
    expect(known.status).toBe(302);
    expect(unknown.status).toBe(known.status);
    expect(unknown.location).toBe(known.location);
    expect(known.location).toBe("/forgot-password?sent=1");
    expect(SENT_MESSAGE).toMatch(/^If an account exists for that address, we sent a link/);

    const mails = await mailsTo("known-reset@example.test");
    expect(mails).toHaveLength(1);
    expect(mails[0]!.template).toBe("password_reset");
    expect(mails[0]!.toUserId).toBe(user.id);
    expect(await mailsTo("nobody-here@example.test")).toHaveLength(0);
    // Only the hash of the token is stored.
    const token = await linkTokenFor("known-reset@example.test", "reset-password");
    const rows = await db().select().from(authTokens).where(eq(authTokens.userId, user.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).not.toBe(token);
    expect(rows[0]!.tokenHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("sends nothing for disabled accounts or invitees without a password, with the same answer", async () => {
    await createUser(db(), { email: "disabled-reset@example.test", disabledAt: new Date() });
    await createUser(db(), { email: "pending-reset@example.test", password: null });
    for (const email of ["disabled-reset@example.test", "pending-reset@example.test"]) {
      const res = await call(forgotAction, postForm("/forgot-password", { email }), {}, freshIp());
      expect(res.location).toBe("/forgot-password?sent=1");
      expect(await mailsTo(email)).toHaveLength(0);
    }
  });

  it("a filled honeypot gets the same answer and no mail", async () => {
    await createUser(db(), { email: "honeypot@example.test" });
    const res = await call(forgotAction, postForm("/forgot-password", { email: "honeypot@example.test", website: "http://spam.test" }), {}, freshIp());
    expect(res.location).toBe("/forgot-password?sent=1");
    expect(await mailsTo("honeypot@example.test")).toHaveLength(0);
  });

  it("answers bad input with 400, the message and the input kept", async () => {
    const res = await call(forgotAction, postForm("/forgot-password", { email: "not-an-address" }), {}, freshIp());
    expect(res.status).toBe(400);
    const body = res.data as FormFailure;
    expect(body.fieldErrors.email).toBe("Enter a valid email address.");
    expect(body.values.email).toBe("not-an-address");
  });

  it("limits one IP to 5 requests per 15 minutes (429 + Retry-After), then recovers", async () => {
    testClock.freeze(new Date("2026-04-01T10:00:00Z"));
    const ip = freshIp();
    for (let i = 0; i < 5; i++) {
      const res = await call(forgotAction, postForm("/forgot-password", { email: `someone${i}@example.test` }), {}, ip);
      expect(res.status, `request ${i + 1}`).toBe(302);
    }
    const limited = await call(forgotAction, postForm("/forgot-password", { email: "someone@example.test" }), {}, ip);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBe(180);
    // Another address is not affected.
    expect((await call(forgotAction, postForm("/forgot-password", { email: "x@example.test" }), {}, freshIp())).status).toBe(302);
    testClock.advance(180_000);
    expect((await call(forgotAction, postForm("/forgot-password", { email: "someone@example.test" }), {}, ip)).status).toBe(302);
  });

  it("mails one address at most 3 times an hour, silently", async () => {
    testClock.freeze(new Date("2026-04-02T10:00:00Z"));
    await createUser(db(), { email: "flooded@example.test" });
    for (let i = 0; i < 5; i++) {
      const res = await call(forgotAction, postForm("/forgot-password", { email: "flooded@example.test" }), {}, freshIp());
      expect(res.location).toBe("/forgot-password?sent=1");
    }
    expect(await mailsTo("flooded@example.test")).toHaveLength(3);
  });
});

describe("reset password", () => {
  it("shows the form for a usable link; 400 for an unknown one; no 500 for garbage", async () => {
    const user = await createUser(db());
    await requestPasswordReset(user.email, null);
    const token = await linkTokenFor(user.email, "reset-password");
    const ok = await call(resetLoader, getRequest(`/reset-password/${token}`), { token });
    expect(ok.status).toBe(200);
    expect(ok.data).toMatchObject({ usable: true });
    for (const bad of ["abcdefghijklmnopqrstuvwxyz234567", "../../etc/passwd", "%00", "x".repeat(500)]) {
      const res = await call(resetLoader, getRequest(`/reset-password/x`), { token: bad });
      expect(res.status, bad).toBe(400);
      expect(res.data).toMatchObject({ usable: false, message: expect.stringMatching(/not valid/) });
    }
  });

  it("sets the new password, ends every session, signs in afresh and lands on the role's home", async () => {
    const user = await createUser(db(), { role: "agent", password: "old-password-123" });
    const laptop = await signInAs(user);
    const phone = await signInAs(user);
    await requestPasswordReset(user.email, null);
    const token = await linkTokenFor(user.email, "reset-password");

    const res = await call(resetAction, postForm(`/reset-password/${token}`, newPassword), { token }, freshIp());
    expect(res.status).toBe(302);
    expect(res.location).toBe("/desk");
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^session=[a-z2-7]{32}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+/);

    expect((await resolveRequestContext(laptop.cookie, { ip: null })).context.user).toBeNull();
    expect((await resolveRequestContext(phone.cookie, { ip: null })).context.user).toBeNull();
    const fresh = await resolveRequestContext(cookie.split(";")[0], { ip: null });
    expect(fresh.context.user?.id).toBe(user.id);
    expect(await db().select().from(sessions).where(eq(sessions.userId, user.id))).toHaveLength(1);

    const [row] = await db().select().from(users).where(eq(users.id, user.id));
    expect(await verifyPassword(row!.passwordHash!, "brand-new-pass-1")).toBe(true);
    expect(await verifyPassword(row!.passwordHash!, "old-password-123")).toBe(false);
  });

  it("works once: the second use is refused with 410 and the page then says so", async () => {
    const user = await createUser(db());
    await requestPasswordReset(user.email, null);
    const token = await linkTokenFor(user.email, "reset-password");
    expect((await call(resetAction, postForm(`/reset-password/${token}`, newPassword), { token })).status).toBe(302);
    const again = await call(resetAction, postForm(`/reset-password/${token}`, { password: "another-pass-99", confirmPassword: "another-pass-99" }), { token });
    expect(again.status).toBe(410);
    expect((again.data as FormFailure).formError).toMatch(/invalid or has expired|already been used/);
    const page = await call(resetLoader, getRequest(`/reset-password/${token}`), { token });
    expect(page.status).toBe(410);
    expect(page.data).toMatchObject({ usable: false, message: expect.stringMatching(/already been used/) });
  });

  it("works once even when two submissions race", async () => {
    const user = await createUser(db());
    await requestPasswordReset(user.email, null);
    const token = await linkTokenFor(user.email, "reset-password");
    const results = await Promise.all(
      ["race-password-aa", "race-password-bb", "race-password-cc"].map((p) =>
        call(resetAction, postForm(`/reset-password/${token}`, { password: p, confirmPassword: p }), { token }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([302, 410, 410]);
    expect(await db().select().from(sessions).where(eq(sessions.userId, user.id))).toHaveLength(1);
  });

  it("expires after one hour", async () => {
    testClock.freeze(new Date("2026-05-01T08:00:00Z"));
    const user = await createUser(db());
    await requestPasswordReset(user.email, null);
    const token = await linkTokenFor(user.email, "reset-password");
    testClock.advance(60 * 60 * 1000 - 1000);
    expect((await call(resetLoader, getRequest(`/reset-password/${token}`), { token })).status).toBe(200);
    testClock.advance(1000);
    const page = await call(resetLoader, getRequest(`/reset-password/${token}`), { token });
    expect(page.status).toBe(410);
    expect(page.data).toMatchObject({ message: expect.stringMatching(/expired/) });
    expect((await call(resetAction, postForm(`/reset-password/${token}`, newPassword), { token })).status).toBe(410);
  });

  it("a newer link replaces the older one", async () => {
    const user = await createUser(db());
    await requestPasswordReset(user.email, null);
    const first = await linkTokenFor(user.email, "reset-password");
    await requestPasswordReset(user.email, null);
    const second = await linkTokenFor(user.email, "reset-password");
    expect(second).not.toBe(first);
    expect((await call(resetLoader, getRequest("/"), { token: first })).status).toBe(410);
    expect((await call(resetLoader, getRequest("/"), { token: second })).status).toBe(200);
  });

  it("refuses short or mismatched passwords with 400 and echoes no password", async () => {
    const user = await createUser(db());
    await requestPasswordReset(user.email, null);
    const token = await linkTokenFor(user.email, "reset-password");
    const short = await call(resetAction, postForm(`/reset-password/${token}`, { password: "short", confirmPassword: "short" }), { token });
    expect(short.status).toBe(400);
    expect((short.data as FormFailure).fieldErrors.password).toBe("Use at least 10 characters.");
    const mismatch = await call(resetAction, postForm(`/reset-password/${token}`, { password: "long-enough-1", confirmPassword: "long-enough-2" }), { token });
    expect(mismatch.status).toBe(400);
    expect((mismatch.data as FormFailure).fieldErrors.confirmPassword).toBe("The two passwords do not match.");
    expect(JSON.stringify(mismatch.data)).not.toContain("long-enough");
    // The link is still good after a refused attempt.
    expect((await call(resetAction, postForm(`/reset-password/${token}`, newPassword), { token })).status).toBe(302);
  });

  it("does not sign a user back in who was disabled after the link was sent", async () => {
    const user = await createUser(db());
    await requestPasswordReset(user.email, null);
    const token = await linkTokenFor(user.email, "reset-password");
    await db().update(users).set({ disabledAt: new Date() }).where(eq(users.id, user.id));
    const res = await call(resetAction, postForm(`/reset-password/${token}`, newPassword), { token });
    expect(res.status).toBe(410);
    expect(res.headers.get("set-cookie")).toBeNull();
    expect(await db().select().from(sessions).where(eq(sessions.userId, user.id))).toHaveLength(0);
  });
});

describe("invitations", () => {
  async function invite(email: string) {
    const admin = await createUser(db(), { role: "admin", name: "Ada Admin" });
    const org = await createOrganization(db(), { name: "Initech" });
    const { userId } = await inviteUser({ email, role: "customer", organizationId: org.id, invitedBy: { id: admin.id, name: admin.name } });
    return { admin, org, userId, token: await linkTokenFor(email, "invite") };
  }

  it("shows who invited whom, to which organization", async () => {
    const { token } = await invite("invitee-show@example.test");
    const res = await call(inviteLoader, getRequest(`/invite/${token}`), { token });
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({
      invitation: { email: "invitee-show@example.test", inviterName: "Ada Admin", organizationName: "Initech", role: "Customer" },
    });
  });

  it("accepting sets name and password, signs in and lands on the role's home", async () => {
    const { userId, token } = await invite("invitee-accept@example.test");
    const res = await call(inviteAction, postForm(`/invite/${token}`, { name: " Ines Invitee ", ...newPassword }), { token }, freshIp());
    expect(res.status).toBe(302);
    expect(res.location).toBe("/portal");
    const { context } = await resolveRequestContext(res.headers.get("set-cookie")!.split(";")[0], { ip: null });
    expect(context.user).toMatchObject({ id: userId, name: "Ines Invitee", role: "customer" });
    // The new password works on the sign-in form.
    const login = await call(loginAction, postForm("/login", { email: "invitee-accept@example.test", password: newPassword.password }), {}, freshIp());
    expect(login.status).toBe(302);
  });

  it("works once, even when raced", async () => {
    const { token } = await invite("invitee-race@example.test");
    const results = await Promise.all(
      [1, 2, 3].map((n) => call(inviteAction, postForm(`/invite/${token}`, { name: `Racer ${n}`, ...newPassword }), { token })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([302, 410, 410]);
    const again = await call(inviteAction, postForm(`/invite/${token}`, { name: "Late", ...newPassword }), { token });
    expect(again.status).toBe(410);
    const page = await call(inviteLoader, getRequest(`/invite/${token}`), { token });
    expect(page.status).toBe(410);
    expect(page.data).toMatchObject({ invitation: null, message: expect.stringMatching(/already been accepted/) });
  });

  it("expires after 7 days", async () => {
    testClock.freeze(new Date("2026-06-01T12:00:00Z"));
    const { token } = await invite("invitee-expire@example.test");
    testClock.advance(7 * 24 * 60 * 60 * 1000 - 1000);
    expect((await call(inviteLoader, getRequest("/"), { token })).status).toBe(200);
    testClock.advance(1000);
    const page = await call(inviteLoader, getRequest("/"), { token });
    expect(page.status).toBe(410);
    expect(page.data).toMatchObject({ message: expect.stringMatching(/expired/) });
    expect((await call(inviteAction, postForm("/", { name: "Too Late", ...newPassword }), { token })).status).toBe(410);
  });

  it("a re-invitation replaces the earlier link", async () => {
    const { admin, org, token } = await invite("invitee-again@example.test");
    await inviteUser({ email: "invitee-again@example.test", role: "customer", organizationId: org.id, invitedBy: { id: admin.id, name: admin.name } });
    const second = await linkTokenFor("invitee-again@example.test", "invite");
    expect((await call(inviteLoader, getRequest("/"), { token })).status).toBe(410);
    expect((await call(inviteLoader, getRequest("/"), { token: second })).status).toBe(200);
  });

  it("disabling a pending invitee revokes the invitation", async () => {
    const { userId, token } = await invite("invitee-disabled@example.test");
    await db().update(users).set({ disabledAt: new Date() }).where(eq(users.id, userId));
    expect((await call(inviteLoader, getRequest("/"), { token })).status).toBe(400);
    const res = await call(inviteAction, postForm("/", { name: "Sneaky", ...newPassword }), { token });
    expect(res.status).toBe(410);
    const [row] = await db().select().from(users).where(eq(users.id, userId));
    expect(row!.disabledAt).not.toBeNull();
    expect(row!.passwordHash).toBeNull();
  });

  it("refuses bad input with 400 and keeps the name, never the password", async () => {
    const { token } = await invite("invitee-bad@example.test");
    const res = await call(inviteAction, postForm("/", { name: "Ines", password: "short", confirmPassword: "short" }), { token });
    expect(res.status).toBe(400);
    const body = res.data as FormFailure;
    expect(body.fieldErrors.password).toBe("Use at least 10 characters.");
    expect(body.values.name).toBe("Ines");
    expect(body.values.password).toBeUndefined();
    const noName = await call(inviteAction, postForm("/", { name: "  ", ...newPassword }), { token });
    expect((noName.data as FormFailure).fieldErrors.name).toBe("Enter your name.");
  });

  it("an unknown invitation link answers 400, not 500", async () => {
    const res = await call(inviteLoader, getRequest("/"), { token: "nope" });
    expect(res.status).toBe(400);
    const action = await call(inviteAction, postForm("/", { name: "X", ...newPassword }), { token: "abcdefghijklmnopqrstuvwxyz234567" });
    expect(action.status).toBe(410);
  });

  it("tokens of one purpose do not work for the other", async () => {
    const { token } = await invite("invitee-purpose@example.test");
    expect((await call(resetLoader, getRequest("/"), { token })).status).toBe(400);
    const rows = await db().select().from(authTokens).where(and(eq(authTokens.email, "invitee-purpose@example.test"), eq(authTokens.purpose, "invitation")));
    expect(rows).toHaveLength(1);
  });
});
