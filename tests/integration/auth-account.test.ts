import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { emailOutbox, sessions, users } from "../../db/schema";
import { db } from "~/lib/db.server";
import { createSession } from "~/modules/auth/session.server";
import { hashToken } from "~/modules/auth/tokens";
import { action, loader } from "~/routes/auth/account";
import { createUser } from "../support/factories";
import { call, getRequest, postForm, signInAs } from "../support/requests";
import type { FormFailure } from "~/lib/forms";

type AccountData = {
  profile: { name: string; email: string; role: string; timeZone: string };
  timeZones: string[];
  sessions: { ip: string | null; device: string; current: boolean; createdAt: string }[];
};

describe("/account", () => {
  it("sends signed-out visitors to sign in, for the page and the form", async () => {
    const page = await call(loader, getRequest("/account"));
    expect(page.status).toBe(302);
    expect(page.location).toBe("/login?redirectTo=%2Faccount");
    const post = await call(action, postForm("/account", { intent: "profile", name: "X", timeZone: "" }));
    expect(post.status).toBe(302);
    expect(post.location).toMatch(/^\/login\?redirectTo=/);
  });

  it("shows the profile and where the user is signed in, marking this device", async () => {
    const user = await createUser(db(), { name: "Sam Session", role: "sales" });
    const me = await signInAs(user);
    await createSession(db(), user.id, {
      ip: "198.51.100.77",
      userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
    });
    const other = await createUser(db());
    await createSession(db(), other.id, { ip: "198.51.100.99" });

    const res = await call(loader, getRequest("/account", me));
    expect(res.status).toBe(200);
    const data = res.data as AccountData;
    expect(data.profile).toEqual({ name: "Sam Session", email: user.email, role: "Sales", timeZone: "" });
    expect(data.timeZones).toContain("Europe/Berlin");
    expect(data.timeZones).toContain("UTC");
    expect(data.sessions).toHaveLength(2);
    expect(data.sessions.filter((s) => s.current)).toHaveLength(1);
    expect(data.sessions.find((s) => !s.current)).toMatchObject({ ip: "198.51.100.77", device: "Firefox on Windows" });
    expect(data.sessions.map((s) => s.ip)).not.toContain("198.51.100.99");
  });

  it("saves name and time zone, then says so after the redirect", async () => {
    const user = await createUser(db());
    const me = await signInAs(user);
    const res = await call(action, postForm("/account", { intent: "profile", name: "  Renamed Person ", timeZone: "America/New_York" }, me));
    expect(res.status).toBe(302);
    expect(res.location).toBe("/account?saved=profile");
    const [row] = await db().select().from(users).where(eq(users.id, user.id));
    expect(row).toMatchObject({ name: "Renamed Person", timeZone: "America/New_York" });

    await call(action, postForm("/account", { intent: "profile", name: "Renamed Person", timeZone: "" }, me));
    const [cleared] = await db().select().from(users).where(eq(users.id, user.id));
    expect(cleared!.timeZone).toBeNull();
  });

  it("refuses an unknown time zone or an empty name with 400, keeping the input", async () => {
    const user = await createUser(db(), { name: "Kept Name" });
    const me = await signInAs(user);
    const res = await call(action, postForm("/account", { intent: "profile", name: "", timeZone: "Mars/Olympus_Mons" }, me));
    expect(res.status).toBe(400);
    const body = res.data as FormFailure;
    expect(body.fieldErrors).toEqual({ name: "Enter your name.", timeZone: "Choose a time zone from the list." });
    expect(body.values).toMatchObject({ intent: "profile", name: "", timeZone: "Mars/Olympus_Mons" });
    const [row] = await db().select().from(users).where(eq(users.id, user.id));
    expect(row!.name).toBe("Kept Name");
  });

  it("refuses a wrong current password on its field, echoing no password, and changes nothing", async () => {
    const user = await createUser(db(), { password: "current-pass-1" });
    const me = await signInAs(user);
    const other = await signInAs(user);
    const res = await call(
      action,
      postForm("/account", { intent: "password", currentPassword: "not-the-one-1", password: "next-password-1", confirmPassword: "next-password-1" }, me),
    );
    expect(res.status).toBe(400);
    const body = res.data as FormFailure;
    expect(body.fieldErrors.currentPassword).toBe("The current password is not right.");
    expect(body.values).toEqual({ intent: "password" });
    expect(JSON.stringify(body)).not.toMatch(/not-the-one|next-password/);
    expect(await db().select().from(sessions).where(eq(sessions.id, hashToken(other.token)))).toHaveLength(1);
  });

  it("checks the new password's length, confirmation, and difference from the current one", async () => {
    const user = await createUser(db(), { password: "current-pass-2" });
    const me = await signInAs(user);
    const post = (fields: Record<string, string>) => call(action, postForm("/account", { intent: "password", ...fields }, me));
    const short = await post({ currentPassword: "current-pass-2", password: "short", confirmPassword: "short" });
    expect((short.data as FormFailure).fieldErrors.password).toBe("Use at least 10 characters.");
    const mismatch = await post({ currentPassword: "current-pass-2", password: "next-password-1", confirmPassword: "next-password-2" });
    expect((mismatch.data as FormFailure).fieldErrors.confirmPassword).toBe("The two passwords do not match.");
    const same = await post({ currentPassword: "current-pass-2", password: "current-pass-2", confirmPassword: "current-pass-2" });
    expect((same.data as FormFailure).fieldErrors.password).toBe("Choose a password different from the current one.");
    const empty = await post({ currentPassword: "", password: "next-password-1", confirmPassword: "next-password-1" });
    expect((empty.data as FormFailure).fieldErrors.currentPassword).toBe("Enter your current password.");
    for (const r of [short, mismatch, same, empty]) expect(r.status).toBe(400);
  });

  it("a password change mails the user", async () => {
    const user = await createUser(db(), { password: "current-pass-3" });
    const me = await signInAs(user);
    const res = await call(action, postForm("/account", { intent: "password", currentPassword: "current-pass-3", password: "next-password-3", confirmPassword: "next-password-3" }, me));
    expect(res.location).toBe("/account?saved=password");
    const mails = await db().select().from(emailOutbox).where(eq(emailOutbox.toUserId, user.id));
    expect(mails.map((m) => m.template)).toEqual(["password_changed"]);
  });

  it("slows down guessing the current password (429 with Retry-After)", async () => {
    const user = await createUser(db(), { password: "current-pass-4" });
    const me = await signInAs(user);
    const guess = () =>
      call(action, postForm("/account", { intent: "password", currentPassword: "guess-guess-1", password: "next-password-4", confirmPassword: "next-password-4" }, me));
    for (let i = 0; i < 5; i++) expect((await guess()).status).toBe(400);
    const limited = await guess();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("signs out the other sessions only", async () => {
    const user = await createUser(db());
    const me = await signInAs(user);
    const a = await signInAs(user);
    const b = await signInAs(user);
    const someoneElse = await signInAs(await createUser(db()));
    const res = await call(action, postForm("/account", { intent: "sign-out-others" }, me));
    expect(res.status).toBe(302);
    expect(res.location).toBe("/account?saved=sessions");
    const left = await db().select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, user.id));
    expect(left.map((s) => s.id)).toEqual([hashToken(me.token)]);
    for (const gone of [a, b]) expect((await call(loader, getRequest("/account", gone))).status).toBe(302);
    expect((await call(loader, getRequest("/account", someoneElse))).status).toBe(200);
  });

  it("answers an unknown or missing intent with 400", async () => {
    const me = await signInAs(await createUser(db()));
    expect((await call(action, postForm("/account", { intent: "delete-everything" }, me))).status).toBe(400);
    expect((await call(action, postForm("/account", { name: "x" }, me))).status).toBe(400);
  });

  it("answers a body that is not a form with 400, not 500", async () => {
    const me = await signInAs(await createUser(db()));
    const request = new Request("http://portal.test/account", {
      method: "POST",
      headers: { cookie: me.cookie, "content-type": "multipart/form-data; boundary=nope" },
      body: "garbage",
    });
    expect((await call(action, request)).status).toBe(400);
  });
});
