import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import { fetchRequestOf, requestUrl, sendResponse } from "~/server/react-router-handler";

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function listen(app: express.Express): Promise<string> {
  const server = createServer(app);
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** An express app whose one route hands the Fetch Request to `handle` and sends what it returns. */
async function serve(handle: (request: Request) => Promise<Response> | Response, trustProxy = false): Promise<string> {
  const app = express();
  if (trustProxy) app.set("trust proxy", "loopback");
  app.all("/{*splat}", async (req, res, next) => {
    try {
      await sendResponse(res, await handle(fetchRequestOf(req)));
    } catch (error) {
      next(error);
    }
  });
  return listen(app);
}

describe("the express adapter for React Router", () => {
  it("gives the handler the request's URL, method, headers and body", async () => {
    let seen: { url: string; method: string; accept: string | null; body: string } | undefined;
    const origin = await serve(async (request) => {
      seen = { url: request.url, method: request.method, accept: request.headers.get("accept"), body: await request.text() };
      return new Response("ok");
    });
    const r = await fetch(`${origin}/help/search?q=quasar%20drive`, { method: "POST", headers: { accept: "text/html", "content-type": "text/plain" }, body: "subject=Export" });
    expect(await r.text()).toBe("ok");
    expect(seen).toEqual({ url: `${origin}/help/search?q=quasar%20drive`, method: "POST", accept: "text/html", body: "subject=Export" });
  });

  it("sends the status, every header (each Set-Cookie on its own) and the streamed body", async () => {
    const origin = await serve(() => {
      const headers = new Headers({ "content-type": "text/html; charset=utf-8", "x-request-id": "abc" });
      headers.append("set-cookie", "a=1; Path=/");
      headers.append("set-cookie", "b=2; Path=/");
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode("<p>one</p>"));
          controller.enqueue(new TextEncoder().encode("<p>two</p>"));
          controller.close();
        },
      });
      return new Response(body, { status: 404, headers });
    });
    const r = await fetch(`${origin}/missing`);
    expect(r.status).toBe(404);
    expect(r.headers.get("x-request-id")).toBe("abc");
    expect(r.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Path=/"]);
    expect(await r.text()).toBe("<p>one</p><p>two</p>");
  });

  it("answers a redirect without a body", async () => {
    const origin = await serve(() => new Response(null, { status: 302, headers: { location: "/login?redirectTo=%2Fdesk" } }));
    const r = await fetch(`${origin}/desk`, { redirect: "manual" });
    expect(r.status).toBe(302);
    expect(r.headers.get("location")).toBe("/login?redirectTo=%2Fdesk");
  });

  it("does not tie the request to an abort signal of its own (loaders finish; see the module's note)", async () => {
    let signal: AbortSignal | undefined;
    const origin = await serve(async (request) => {
      signal = request.signal;
      return new Response("ok");
    });
    await (await fetch(`${origin}/`)).text();
    expect(signal?.aborted).toBe(false);
  });

  it("builds the URL from the forwarded host only behind a trusted proxy", async () => {
    const urls: string[] = [];
    const direct = await serve((request) => (urls.push(request.url), new Response("ok")));
    const proxied = await serve((request) => (urls.push(request.url), new Response("ok")), true);
    await (await fetch(`${direct}/a?b=1`, { headers: { "x-forwarded-host": "support.example.com:8443", "x-forwarded-proto": "https" } })).text();
    await (await fetch(`${proxied}/a?b=1`, { headers: { "x-forwarded-host": "support.example.com:8443", "x-forwarded-proto": "https" } })).text();
    expect(urls[0]).toBe(`${direct}/a?b=1`);
    expect(urls[1]).toBe("https://support.example.com:8443/a?b=1");
  });

  it("cancels the body when the response was already ended", async () => {
    let cancelled = false;
    const app = express();
    app.get("/", async (_req, res) => {
      res.end("early");
      const body = new ReadableStream({ cancel: () => void (cancelled = true) });
      await sendResponse(res, new Response(body));
    });
    const r = await fetch(`${await listen(app)}/`);
    expect(await r.text()).toBe("early");
    await expect.poll(() => cancelled).toBe(true);
  });

  it("falls back to localhost for a request without a usable host name", () => {
    const req = { app: { enabled: () => false }, get: () => undefined, hostname: "", protocol: "http", originalUrl: "/x" } as unknown as Parameters<typeof requestUrl>[0];
    expect(requestUrl(req)).toBe("http://localhost/x");
  });
});
