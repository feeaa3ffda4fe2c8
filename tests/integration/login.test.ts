import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { users } from "../../db/schema";
import { action as loginAction } from "~/routes/auth/login";
import { db } from "~/lib/db.server";
import { createUser } from "../support/factories";
import { call, postForm } from "../support/requests";

describe("sign-in", () => {
  it("signs in with the right password, sets a session cookie and lands on the role's home", async () => {
    await createUser(db(), { email: "agent-login@example.test", role: "agent", password: "right-password-1" });
    const res = await call(loginAction, postForm("/login", { email: "Agent-Login@example.test ", password: "right-password-1" }));
    expect(res.status).toBe(302);
    expect(res.location).toBe("/desk");
    expect(res.headers.get("set-cookie")).toMatch(/^session=[a-z2-7]{32}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+/);
  });

  it("remembers the browser's time zone on the first sign-in only", async () => {
    const user = await createUser(db(), { email: "tz@example.test", role: "customer", password: "right-password-1", organizationId: null });
    await call(loginAction, postForm("/login", { email: "tz@example.test", password: "right-password-1", timeZone: "Europe/Berlin" }));
    await call(loginAction, postForm("/login", { email: "tz@example.test", password: "right-password-1", timeZone: "America/New_York" }));
    await call(loginAction, postForm("/login", { email: "tz@example.test", password: "right-password-1", timeZone: "Not/AZone" }));
    const [row] = await db().select({ timeZone: users.timeZone }).from(users).where(eq(users.id, user.id));
    expect(row!.timeZone).toBe("Europe/Berlin");
  });

  it("answers an unknown email and a wrong password the same way", async () => {
    await createUser(db(), { email: "known@example.test", password: "right-password-1" });
    const wrong = await call(loginAction, postForm("/login", { email: "known@example.test", password: "nope-nope-nope" }));
    const unknown = await call(loginAction, postForm("/login", { email: "nobody@example.test", password: "nope-nope-nope" }));
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect((wrong.data as { formError: string }).formError).toBe((unknown.data as { formError: string }).formError);
  });
});
