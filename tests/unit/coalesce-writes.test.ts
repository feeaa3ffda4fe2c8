import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { request as httpRequest, type IncomingMessage, type Server } from "node:http";
import { gunzipSync } from "node:zlib";
import compression from "compression";
import express, { type Response } from "express";
import { afterEach, describe, expect, it } from "vitest";
import { coalesceWrites } from "~/server/coalesce-writes";

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** An app whose /stream route writes like React Router's adapter: chunk, flush, chunk, flush… */
async function start(handler: (res: Response) => void | Promise<void>, { compress = true } = {}) {
  const app = express();
  if (compress) app.use(compression());
  const writes: number[] = [];
  // Counts what reaches compression (or the response) from below the coalescer.
  app.use((_req, res, next) => {
    const write = res.write;
    res.write = function (this: Response, ...args: unknown[]) {
      writes.push(Buffer.byteLength(args[0] as string));
      return (write as (...a: unknown[]) => boolean).apply(this, args);
    } as Response["write"];
    next();
  });
  app.use(coalesceWrites());
  app.get("/stream", (_req, res) => void handler(res));
  const server = app.listen(0, "127.0.0.1");
  servers.push(server);
  await once(server, "listening");
  return { port: (server.address() as AddressInfo).port, writes };
}

function get(port: number, headers: Record<string, string> = {}): Promise<{ res: IncomingMessage; chunks: Buffer[]; arrivals: number[] }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ port, host: "127.0.0.1", path: "/stream", headers }, (res) => {
      const chunks: Buffer[] = [];
      const arrivals: number[] = [];
      res.on("data", (c: Buffer) => {
        chunks.push(c);
        arrivals.push(Date.now());
      });
      res.on("end", () => resolve({ res, chunks, arrivals }));
    });
    req.on("error", reject);
    req.end();
  });
}

const piece = (i: number) => `<div class="row" data-i="${i}">${"x".repeat(2000)}</div>`;

describe("coalesceWrites", () => {
  it("hands a burst of small writes on as one, same bytes, compressed or not", async () => {
    const body = Array.from({ length: 40 }, (_, i) => piece(i)).join("");
    const handler = (res: Response) => {
      res.setHeader("Content-Type", "text/html");
      for (let i = 0; i < 40; i++) {
        res.write(piece(i));
        (res as Response & { flush?: () => void }).flush?.();
      }
      setImmediate(() => res.end());
    };
    const gz = await start(handler);
    const zipped = await get(gz.port, { "accept-encoding": "gzip" });
    expect(zipped.res.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(Buffer.concat(zipped.chunks)).toString()).toBe(body);
    // 40 × 2 KB in one turn: one 64 KB-bounded write plus the rest (was 40 writes and 40 flushes).
    expect(gz.writes.length).toBeLessThanOrEqual(2);
    expect(gz.writes.reduce((a, b) => a + b, 0)).toBe(Buffer.byteLength(body));

    const plain = await start(handler, { compress: false });
    const raw = await get(plain.port);
    expect(Buffer.concat(raw.chunks).toString()).toBe(body);
    expect(plain.writes.length).toBeLessThanOrEqual(2);
  });

  it("still streams: what is written later leaves before the response ends", async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const { port } = await start(async (res) => {
      res.setHeader("Content-Type", "text/html");
      res.write("<p>shell</p>");
      (res as Response & { flush?: () => void }).flush?.();
      await released; // the test lets the response end only once the shell has arrived
      res.write("<p>deferred</p>");
      res.end("<p>end</p>");
    });
    const pending = get(port, { "accept-encoding": "gzip" });
    // The shell must reach the client while the handler is still waiting.
    await new Promise((r) => setTimeout(r, 200));
    release();
    const { chunks, arrivals } = await pending;
    expect(gunzipSync(Buffer.concat(chunks)).toString()).toBe("<p>shell</p><p>deferred</p><p>end</p>");
    expect(arrivals.length).toBeGreaterThanOrEqual(2);
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThanOrEqual(150);
  });

  it("passes a whole response (res.send) through with its Content-Length, and runs write callbacks", async () => {
    const sent = await start((res) => void res.type("text/plain").send("hello"), { compress: false });
    const r = await get(sent.port);
    expect(r.res.headers["content-length"]).toBe("5");
    expect(Buffer.concat(r.chunks).toString()).toBe("hello");

    let called = false;
    const cb = await start((res) => {
      res.write("a");
      res.write("b", () => {
        called = true;
        res.end("c");
      });
    });
    const withCb = await get(cb.port);
    expect(Buffer.concat(withCb.chunks).toString()).toBe("abc");
    expect(called).toBe(true);
  });

  it("gives every response the same write/end/flush functions, its state kept on the response", async () => {
    // A closure per response, assigned to it, kept each response's objects alive through V8's
    // young-generation GCs (docs/performance.md, "Express and the GC tail").
    const seen: { write: unknown; end: unknown; flush: unknown }[] = [];
    const { port } = await start((res) => {
      seen.push({ write: res.write, end: res.end, flush: (res as Response & { flush?: () => void }).flush });
      res.type("text/plain").send("ok");
    });
    await get(port, { "accept-encoding": "gzip" });
    await get(port, { "accept-encoding": "gzip" });
    expect(seen).toHaveLength(2);
    expect(seen[0]!.write).toBe(seen[1]!.write);
    expect(seen[0]!.end).toBe(seen[1]!.end);
    expect(typeof seen[0]!.flush).toBe("function");
    expect(seen[0]!.flush).toBe(seen[1]!.flush);
  });
});
