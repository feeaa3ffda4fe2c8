import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import { db } from "~/lib/db.server";
import { resetEnvForTests } from "~/lib/env.server";
import { trustProxySetting } from "~/server/security";
import { createInvitation, createOrganization, createUser } from "../support/factories";
import { fetchApp } from "../support/app-server";
import { signInAs, url } from "../support/requests";

/**
 * Session and account hardening beyond auth-sessions / auth-rate-limit / auth-reset-invite:
 * fixation, logout replay, cookie attributes behind https, enumeration by answer and by timing,
 * and the client address behind a proxy (the rate limits' key). Through the whole application.
 */
let ipCounter = 0;
const freshIp = () => `198.51.100.${++ipCounter}`;

function login(fields: Record<string, string>, cookie?: string, ip = freshIp()): Promise<Response> {
  return fetchApp(
    new Request(url("/login"), {
      method: "POST",
      body: new URLSearchParams(fields),
      headers: { "content-type": "application/x-www-form-urlencoded", origin: new URL(url("/")).origin, ...(cookie ? { cookie } : {}) },
    }),
    ip,
  );
}

const cookiePair = (setCookie: string | null) => (setCookie ?? "").split(";")[0]!;

afterEach(() => {
  process.env.APP_URL = "http://portal.test";
  resetEnvForTests();
});

describe("session fixation and replay", () => {
  it("signing in never keeps a session id the browser brought along", async () => {
    const org = await createOrganization(db());
    const attacker = await createUser(db(), { organizationId: org.id, password: "attacker-password-1" });
    const victim = await createUser(db(), { organizationId: org.id, password: "victim-password-1" });
    const planted = await signInAs(attacker);
    const res = await login({ email: victim.email, password: "victim-password-1" }, planted.cookie);
    expect(res.status).toBe(302);
    const issued = cookiePair(res.headers.get("set-cookie"));
    expect(issued).toMatch(/^session=.+/);
    expect(issued).not.toBe(planted.cookie);
    // The planted cookie still belongs to the attacker, never to the victim.
    const me = await fetchApp(new Request(url("/portal.data"), { headers: { cookie: planted.cookie } }));
    expect(await me.text()).not.toContain(victim.email);
    const victimPage = await fetchApp(new Request(url("/account"), { headers: { cookie: issued } }));
    expect(await victimPage.text()).toContain(victim.email);
  });

  it("a signed-out cookie replayed gets nothing, and replaying the sign-out is harmless", async () => {
    const org = await createOrganization(db());
    const user = await createUser(db(), { organizationId: org.id, password: "replay-password-1" });
    const res = await login({ email: user.email, password: "replay-password-1" });
    const cookie = cookiePair(res.headers.get("set-cookie"));
    expect((await fetchApp(new Request(url("/portal"), { headers: { cookie } }))).status).toBe(200);
    const logout = () => fetchApp(new Request(url("/logout"), { method: "POST", headers: { cookie, origin: "http://portal.test" } }));
    const out = await logout();
    expect(out.status).toBe(302);
    expect(out.headers.get("set-cookie")).toMatch(/Max-Age=0/);
    for (const path of ["/portal", "/portal.data", "/account"]) {
      const replay = await fetchApp(new Request(url(path), { headers: { cookie } }));
      expect([302, 202], path).toContain(replay.status);
      expect(replay.headers.get("location") ?? (await replay.text())).toMatch(/\/login/);
    }
    expect((await logout()).status).toBe(302);
  });

  it("a cross-site sign-out (CSRF) is refused", async () => {
    const user = await createUser(db(), {});
    const session = await signInAs(user);
    const res = await fetchApp(new Request(url("/logout"), { method: "POST", headers: { cookie: session.cookie, origin: "https://evil.test" } }));
    expect(res.status).toBe(403);
  });
});

describe("cookie attributes behind https", () => {
  it("APP_URL https: __Host- prefix, Secure, HttpOnly, SameSite=Lax, Path=/, no Domain", async () => {
    const org = await createOrganization(db());
    const user = await createUser(db(), { organizationId: org.id, password: "https-password-1" });
    process.env.APP_URL = "https://portal.test";
    resetEnvForTests();
    const res = await fetchApp(
      new Request("https://portal.test/login", {
        method: "POST",
        body: new URLSearchParams({ email: user.email, password: "https-password-1" }),
        headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://portal.test" },
      }),
      freshIp(),
    );
    expect(res.status).toBe(302);
    const setCookie = res.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/^__Host-session=[^;]+;/);
    for (const attribute of ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"]) expect(setCookie).toContain(attribute);
    expect(setCookie).not.toMatch(/Domain=/i);
    // Only the __Host- cookie counts under https: a plain "session" cookie (set by a sibling
    // subdomain or over http) is ignored.
    const token = cookiePair(setCookie).split("=")[1]!;
    const good = await fetchApp(new Request("https://portal.test/portal", { headers: { cookie: `__Host-session=${token}` } }));
    expect(good.status).toBe(200);
    const plain = await fetchApp(new Request("https://portal.test/portal", { headers: { cookie: `session=${token}` } }));
    expect(plain.status).toBe(302);
  });
});

describe("account enumeration", () => {
  async function medianMs(fn: () => Promise<unknown>, runs = 7): Promise<number> {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await fn();
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(runs / 2)]!;
  }

  it("sign-in: an unknown address, a wrong password, a disabled account and a pending invitee get the same answer in comparable time", async () => {
    const org = await createOrganization(db());
    const known = await createUser(db(), { organizationId: org.id, password: "known-password-1" });
    const disabled = await createUser(db(), { organizationId: org.id, password: "known-password-1", disabledAt: new Date() });
    const { user: invitee } = await createInvitation(db(), { email: `invitee-${Date.now()}@enum.test`, organizationId: org.id });
    const cases = {
      unknown: { email: `nobody-${Date.now()}@enum.test`, password: "whatever-password" },
      wrongPassword: { email: known.email, password: "whatever-password" },
      disabled: { email: disabled.email, password: "whatever-password" },
      invitee: { email: invitee.email, password: "whatever-password" },
    };
    const answers = new Map<string, string>();
    for (const [name, fields] of Object.entries(cases)) {
      const res = await login(fields);
      const html = (await res.text()).replace(/nonce="[^"]+"|"requestId","[^"]+"|[0-9a-f-]{36}|value="[^"]*@[^"]*"|"[^"]*@enum\.test"|"[^"]*@example\.test"/g, "");
      expect(res.status, name).toBe(401);
      answers.set(name, /role="alert"[^>]*>([^<]+)/.exec(html)?.[1] ?? html.length.toString());
    }
    expect(new Set(answers.values()).size, JSON.stringify([...answers])).toBe(1);
    // Timing: each answer costs about the same (a password hash is checked for unknown
    // addresses too). Ratios of medians, generous because the machine is shared. Each attempt
    // uses a fresh account or address (and IP), so the per-account slow-down of repeated wrong
    // passwords does not weigh on one case only.
    let n = 0;
    const fresh = {
      wrongPassword: async () => ({ email: (await createUser(db(), { organizationId: org.id, password: "known-password-1" })).email, password: "whatever-password" }),
      unknown: async () => ({ email: `nobody-${++n}-${Date.now()}@enum.test`, password: "whatever-password" }),
      disabled: async () => ({ email: (await createUser(db(), { organizationId: org.id, password: "known-password-1", disabledAt: new Date() })).email, password: "whatever-password" }),
      invitee: async () => ({ email: (await createInvitation(db(), { email: `inv-${++n}-${Date.now()}@enum.test`, organizationId: org.id })).user.email, password: "whatever-password" }),
    };
    const timed = async (make: () => Promise<Record<string, string>>) => {
      const fields = await make();
      return medianMs(() => login(fields), 1);
    };
    const medianOf = async (make: () => Promise<Record<string, string>>) => {
      const times: number[] = [];
      for (let i = 0; i < 7; i++) times.push(await timed(make));
      return times.sort((x, y) => x - y)[3]!;
    };
    const base = await medianOf(fresh.wrongPassword);
    for (const name of ["unknown", "disabled", "invitee"] as const) {
      const t = await medianOf(fresh[name]);
      expect(t / base, `${name}: ${t.toFixed(1)} ms vs wrong password ${base.toFixed(1)} ms`).toBeGreaterThan(0.4);
      expect(t / base, `${name}: ${t.toFixed(1)} ms vs wrong password ${base.toFixed(1)} ms`).toBeLessThan(2.5);
    }
  }, 60_000);

  it("password reset: known and unknown addresses get the same page in comparable time", async () => {
    const org = await createOrganization(db());
    const known = await createUser(db(), { organizationId: org.id });
    const ask = (email: string) =>
      fetchApp(
        new Request(url("/forgot-password"), {
          method: "POST",
          body: new URLSearchParams({ email }),
          headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://portal.test" },
        }),
        freshIp(),
      );
    const a = await ask(known.email);
    const b = await ask(`nobody-${Date.now()}@enum.test`);
    expect(a.status).toBe(b.status);
    expect(a.headers.get("location")).toBe(b.headers.get("location"));
    const strip = (t: string) => t.replace(/nonce="[^"]+"|"requestId","[^"]+"|[0-9a-f-]{36}/g, "");
    expect(strip(await a.text()).length).toBe(strip(await b.text()).length);
    const tKnown = await medianMs(() => ask(known.email), 5);
    const tUnknown = await medianMs(() => ask(`nobody-${Date.now()}@enum.test`), 5);
    expect(tUnknown / tKnown, `${tUnknown.toFixed(1)} vs ${tKnown.toFixed(1)} ms`).toBeGreaterThan(0.25);
    expect(tUnknown / tKnown, `${tUnknown.toFixed(1)} vs ${tKnown.toFixed(1)} ms`).toBeLessThan(4);
  }, 60_000);
});

describe("the client address behind a proxy (the rate limits' key)", () => {
  async function ipSeen(trustProxy: boolean, forwardedFor: string): Promise<string> {
    const app = express();
    app.set("trust proxy", trustProxySetting(trustProxy));
    app.get("/", (req, res) => res.send(req.ip));
    const server = createServer(app);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const port = (server.address() as AddressInfo).port;
      return await new Promise<string>((resolve, reject) => {
        const req = httpRequest({ host: "127.0.0.1", port, path: "/", headers: { "x-forwarded-for": forwardedFor } }, (res) => {
          let body = "";
          res.on("data", (c) => (body += c));
          res.on("end", () => resolve(body));
        });
        req.on("error", reject);
        req.end();
      });
    } finally {
      await new Promise((r) => server.close(r));
    }
  }

  it("TRUST_PROXY: the address the proxy appended, never one the client wrote", async () => {
    // The client sent "6.6.6.6"; the proxy appended the address it saw, 203.0.113.7.
    expect(await ipSeen(true, "6.6.6.6, 203.0.113.7")).toBe("203.0.113.7");
    expect(await ipSeen(true, "1.1.1.1, 2.2.2.2, 203.0.113.7")).toBe("203.0.113.7");
  });

  it("without TRUST_PROXY: X-Forwarded-For is ignored", async () => {
    expect(await ipSeen(false, "6.6.6.6")).toBe("127.0.0.1");
  });

  it("twenty parallel wrong passwords with rotating spoofed addresses still meet the account's limit", async () => {
    const org = await createOrganization(db());
    const user = await createUser(db(), { organizationId: org.id, password: "limit-password-1" });
    const results = await Promise.all(Array.from({ length: 20 }, () => login({ email: user.email, password: "wrong-password-x" })));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(10);
    // Even the right password is refused now: the account is protected, not the address.
    const right = await login({ email: user.email, password: "limit-password-1" });
    expect(right.status).toBe(429);
  });
});
