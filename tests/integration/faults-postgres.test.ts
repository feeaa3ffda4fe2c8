import { createServer, Socket, type Server } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type DatabaseHandle } from "../../db/client";
import { useDatabase } from "~/lib/db.server";
import { isDatabaseUnavailable } from "~/lib/db-errors";
import { createApiToken } from "~/modules/api/tokens.server";
import { createOrganization, createUser } from "../support/factories";
import { fetchApp, dataUrl } from "../support/app-server";
import { signInAs, url, type SignedIn } from "../support/requests";
import { testDatabase } from "../support/integration-setup";

/**
 * The database goes away under load (a Postgres restart) and comes back: requests are answered
 * 503 cleanly while it is down (pages, `.data`, the API), the health check says so, and the app
 * recovers by itself. Postgres only (PGlite runs in-process and cannot go away). The machine's
 * Postgres is never touched: a small TCP proxy in front of it is cut and restored.
 */
const onPostgres = !!process.env.DATABASE_URL;

/** A TCP proxy to Postgres that can be cut (connections dropped, new ones refused) and restored. */
class CuttableProxy {
  private server: Server | null = null;
  private sockets = new Set<Socket>();
  port = 0;
  constructor(
    private targetHost: string,
    private targetPort: number,
  ) {}

  async start(port = 0): Promise<void> {
    const server = createServer((client) => {
      const upstream = new Socket();
      upstream.connect(this.targetPort, this.targetHost);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on("close", () => this.sockets.delete(s));
        s.on("error", () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Like a database restart: every connection is dropped and new ones are refused. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  restore(): Promise<void> {
    return this.start(this.port);
  }
}

let proxy: CuttableProxy;
let handle: DatabaseHandle;
let customer: SignedIn;
let apiToken: string;

beforeAll(async () => {
  if (!onPostgres) return;
  const target = new URL(testDatabase().url!);
  proxy = new CuttableProxy(target.hostname, Number(target.port || 5432));
  await proxy.start();
  const proxied = new URL(target);
  proxied.hostname = "127.0.0.1";
  proxied.port = String(proxy.port);
  handle = await createDatabase({ url: proxied.toString(), max: 4 });
  useDatabase({ ...testDatabase(), ...handle, truncateAll: testDatabase().truncateAll, destroy: async () => {} } as never);
  const org = await createOrganization(handle.db);
  const user = await createUser(handle.db, { organizationId: org.id });
  customer = await signInAs(user);
  apiToken = (await createApiToken({ id: user.id, role: "customer", organizationId: org.id }, { name: "t", scopes: ["tickets:read"], lifetimeDays: 30 })).token;
});

afterAll(async () => {
  if (!onPostgres) return;
  useDatabase(testDatabase());
  await proxy.cut().catch(() => {});
  await handle.close().catch(() => {});
});

async function answer(path: string, headers: Record<string, string> = {}) {
  const res = await fetchApp(new Request(url(path), { headers }));
  return { status: res.status, text: await res.text(), retryAfter: res.headers.get("retry-after") };
}

describe.skipIf(!onPostgres)("Postgres unavailable during load", () => {
  it("answers 503 while the database is down, says so in the health check, and recovers without a restart", async () => {
    const requests = () => [
      answer("/help"),
      answer("/portal", { cookie: customer.cookie }),
      answer(dataUrl("/help/faq")),
      answer("/api/v1/tickets", { authorization: `Bearer ${apiToken}` }),
    ];
    for (const r of await Promise.all(requests())) expect(r.status).toBe(200);
    const started = performance.now();
    expect(await handle.ping(2000)).toBe(true);

    // Load while the database goes away.
    const inFlight = Array.from({ length: 10 }, () => Promise.all(requests())).flat();
    await proxy.cut();
    const during = await Promise.all([...inFlight, ...Array.from({ length: 5 }, () => Promise.all(requests()))]);
    for (const batch of during) {
      for (const r of batch) {
        expect([200, 503], r.text.slice(0, 200)).toContain(r.status);
        expect(r.text).not.toMatch(/\n\s+at [^\n]+:\d+:\d+|node_modules|ECONNREFUSED|CONNECTION_/);
      }
    }
    const downStarted = performance.now();
    const down = await Promise.all(requests());
    // Fast: nobody waits for a connection that cannot come (postgres.js' backoff is capped at 1 s).
    expect(performance.now() - downStarted).toBeLessThan(5_000);
    expect(down.map((r) => r.status)).toEqual([503, 503, 503, 503]);
    expect(down[0]!.retryAfter).toBe("5");
    expect(down[3]!.text).toContain("service_unavailable");
    // /healthz answers from the same ping: false → 503 {"database":"down"}.
    expect(await handle.ping(2000)).toBe(false);

    await proxy.restore();
    // postgres.js reconnects on the next query: no restart, no manual step.
    let recovered = false;
    for (let i = 0; i < 20 && !recovered; i++) {
      recovered = (await Promise.all(requests())).every((r) => r.status === 200);
      if (!recovered) await new Promise((r) => setTimeout(r, 250));
    }
    expect(recovered).toBe(true);
    console.log(`outage test: ${Math.round(performance.now() - started)} ms from the first cut to full recovery`);
    expect(await handle.ping(2000)).toBe(true);
  }, 60_000);
});

describe("what counts as the database being unavailable", () => {
  it("connection errors and their wrappers, not query errors", () => {
    expect(isDatabaseUnavailable(Object.assign(new Error("connect"), { code: "ECONNREFUSED" }))).toBe(true);
    expect(isDatabaseUnavailable(new Error("Failed query", { cause: Object.assign(new Error("closed"), { code: "CONNECTION_CLOSED" }) }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("connection failure"), { code: "08006" }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("invalid input syntax for type uuid"), { code: "22P02" }))).toBe(false);
    expect(isDatabaseUnavailable(new Error("plain"))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });
});
