import { afterEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { auditEvents, sessions, users } from "../../db/schema";
import { db } from "~/lib/db.server";
import { testClock } from "~/lib/clock";
import { resolveRequestContext } from "~/modules/auth/request-context.server";
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS, createSession, validateSessionToken } from "~/modules/auth/session.server";
import { hashToken } from "~/modules/auth/tokens";
import { action as logoutAction } from "~/routes/auth/logout";
import { action as accountAction } from "~/routes/auth/account";
import { createUser } from "../support/factories";
import { call, postForm, signInAs } from "../support/requests";

const DAY = 24 * 60 * 60 * 1000;
const T0 = new Date("2026-03-02T09:00:00Z");

afterEach(() => testClock.reset());

async function resolve(cookie: string) {
  return resolveRequestContext(cookie, { ip: "198.51.100.1" });
}

async function sessionRow(token: string) {
  const [row] = await db().select().from(sessions).where(eq(sessions.id, hashToken(token)));
  return row ?? null;
}

describe("session lifetime", () => {
  it("keeps a session for 30 idle days and ends it (deleting the row) on the 30th", async () => {
    testClock.freeze(T0);
    const me = await signInAs(await createUser(db()));
    expect((await sessionRow(me.token))!.expiresAt.getTime()).toBe(T0.getTime() + SESSION_IDLE_MS);

    testClock.freeze(T0.getTime() + 30 * DAY - 1000);
    // Note: this visit renews the session, so test the idle limit on a second, untouched one.
    expect((await resolve(me.cookie)).context.user?.id).toBe(me.user.id);

    testClock.freeze(T0);
    const idle = await signInAs(await createUser(db()));
    testClock.freeze(T0.getTime() + 30 * DAY);
    const { context, setCookie } = await resolve(idle.cookie);
    expect(context.user).toBeNull();
    expect(context.session).toBeNull();
    expect(setCookie).toBeNull();
    expect(await sessionRow(idle.token)).toBeNull();
  });

  it("renews only when less than half of the idle window is left, and says so with a cookie", async () => {
    testClock.freeze(T0);
    const me = await signInAs(await createUser(db()));

    testClock.freeze(T0.getTime() + 14 * DAY);
    const early = await resolve(me.cookie);
    expect(early.context.user?.id).toBe(me.user.id);
    expect(early.setCookie).toBeNull();
    expect((await sessionRow(me.token))!.expiresAt.getTime()).toBe(T0.getTime() + 30 * DAY);

    const at = T0.getTime() + 16 * DAY;
    testClock.freeze(at);
    const renewed = await resolve(me.cookie);
    expect(renewed.context.user?.id).toBe(me.user.id);
    expect(renewed.setCookie).toMatch(new RegExp(`^session=${me.token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${SESSION_IDLE_MS / 1000}$`));
    expect((await sessionRow(me.token))!.expiresAt.getTime()).toBe(at + SESSION_IDLE_MS);
    expect(renewed.context.session!.expiresAt.getTime()).toBe(at + SESSION_IDLE_MS);

    // Right after a renewal there is nothing to renew.
    testClock.advance(DAY);
    expect((await resolve(me.cookie)).setCookie).toBeNull();
  });

  it("ends a session 90 days after sign-in however active it is", async () => {
    testClock.freeze(T0);
    const me = await signInAs(await createUser(db()));
    expect((await sessionRow(me.token))!.absoluteExpiresAt.getTime()).toBe(T0.getTime() + SESSION_ABSOLUTE_MS);

    for (let day = 20; day < 90; day += 20) {
      testClock.freeze(T0.getTime() + day * DAY);
      expect((await resolve(me.cookie)).context.user?.id, `day ${day}`).toBe(me.user.id);
      // Renewal never reaches past the absolute lifetime.
      expect((await sessionRow(me.token))!.expiresAt.getTime()).toBeLessThanOrEqual(T0.getTime() + SESSION_ABSOLUTE_MS);
    }
    testClock.freeze(T0.getTime() + 90 * DAY - 1000);
    expect((await resolve(me.cookie)).context.user?.id).toBe(me.user.id);
    testClock.freeze(T0.getTime() + 90 * DAY);
    expect((await resolve(me.cookie)).context.user).toBeNull();
    expect(await sessionRow(me.token)).toBeNull();
  });

  it("caps the renewed cookie's Max-Age at the absolute lifetime", async () => {
    testClock.freeze(T0);
    const me = await signInAs(await createUser(db()));
    testClock.freeze(T0.getTime() + 80 * DAY);
    await db().update(sessions).set({ expiresAt: new Date(T0.getTime() + 81 * DAY) }).where(eq(sessions.id, hashToken(me.token)));
    const { setCookie } = await resolve(me.cookie);
    expect(setCookie).toContain(`Max-Age=${(10 * DAY) / 1000}`);
  });

  it("refuses unknown, malformed and badly escaped cookies without failing", async () => {
    for (const cookie of ["session=abcdefghijklmnopqrstuvwxyz234567", "session=<script>", "session=%E0%A4%A", "other=1", ""]) {
      const { context, setCookie } = await resolve(cookie);
      expect(context.user, cookie).toBeNull();
      expect(setCookie).toBeNull();
    }
    expect((await validateSessionToken("x".repeat(10))).session).toBeNull();
  });
});

describe("ending sessions", () => {
  it("sign-out deletes the session row, clears the cookie and records it", async () => {
    const user = await createUser(db());
    const me = await signInAs(user);
    const res = await call(logoutAction, postForm("/logout", {}, me));
    expect(res.status).toBe(302);
    expect(res.location).toBe("/login?notice=signed-out");
    expect(res.headers.get("set-cookie")).toMatch(/^session=; Path=\/; HttpOnly; SameSite=Lax; Max-Age=0/);
    expect(await sessionRow(me.token)).toBeNull();
    expect((await resolve(me.cookie)).context.user).toBeNull();
    const events = await db().select().from(auditEvents).where(eq(auditEvents.actorId, user.id));
    expect(events.map((e) => e.action)).toContain("auth.sign_out");
  });

  it("sign-out without a session still answers with a redirect", async () => {
    const res = await call(logoutAction, postForm("/logout", {}));
    expect(res.status).toBe(302);
    expect(res.headers.get("set-cookie")).toContain("Max-Age=0");
  });

  it("refuses every session of a disabled user", async () => {
    const user = await createUser(db());
    const a = await signInAs(user);
    const b = await signInAs(user);
    await db().update(users).set({ disabledAt: new Date() }).where(eq(users.id, user.id));
    expect((await resolve(a.cookie)).context.user).toBeNull();
    expect((await resolve(b.cookie)).context.user).toBeNull();
    expect(await sessionRow(a.token)).toBeNull();
  });

  it("a password change ends the other sessions and keeps the current one", async () => {
    const user = await createUser(db(), { password: "old-password-123" });
    const current = await signInAs(user);
    const laptop = await signInAs(user);
    const phone = await signInAs(user);
    const res = await call(
      accountAction,
      postForm("/account", { intent: "password", currentPassword: "old-password-123", password: "new-password-456", confirmPassword: "new-password-456" }, current),
    );
    expect(res.status).toBe(302);
    expect(res.location).toBe("/account?saved=password");
    expect((await resolve(current.cookie)).context.user?.id).toBe(user.id);
    expect((await resolve(laptop.cookie)).context.user).toBeNull();
    expect((await resolve(phone.cookie)).context.user).toBeNull();
    const rows = await db().select().from(sessions).where(eq(sessions.userId, user.id));
    expect(rows.map((r) => r.id)).toEqual([hashToken(current.token)]);
  });

  it("sessions are independent: creating one does not touch another user's", async () => {
    const a = await createUser(db());
    const b = await createUser(db());
    const sa = await signInAs(a);
    await createSession(db(), b.id);
    expect((await resolve(sa.cookie)).context.user?.id).toBe(a.id);
  });
});
