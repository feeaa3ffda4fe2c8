import { once } from "node:events";
import { IncomingMessage, ServerResponse, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import { constructedWith, createAppServer } from "~/server/http-server";

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("constructedWith", () => {
  it("builds objects with the given prototype that are still instances of the base", () => {
    class Base {
      constructor(public value: number) {}
    }
    // A plain constructor function, as Node's IncomingMessage/ServerResponse are.
    function Plain(this: { value: number }, value: number) {
      this.value = value;
    }
    const proto = Object.create(Plain.prototype as object, { extra: { value: "yes" } });
    const Built = constructedWith(Plain as unknown as new (value: number) => { value: number }, proto);
    const obj = new Built(7) as { value: number; extra?: string };
    expect(Object.getPrototypeOf(obj)).toBe(proto);
    expect(obj).toBeInstanceOf(Plain);
    expect(obj.value).toBe(7);
    expect(obj.extra).toBe("yes");
    // A class cannot be called without `new`: it is returned as it is.
    expect(constructedWith(Base, {})).toBe(Base);
  });
});

describe("createAppServer", () => {
  it("hands requests to the app on objects that already have the app's prototypes, static paths to web", async () => {
    const app = express();
    const seen: { request: boolean; response: boolean; node: boolean }[] = [];
    app.get("/page", (req, res) => {
      seen.push({
        request: Object.getPrototypeOf(req) === app.request,
        response: Object.getPrototypeOf(res) === app.response,
        node: req instanceof IncomingMessage && res instanceof ServerResponse,
      });
      res.type("text/plain").send(`page ${req.query.q ?? ""}`);
    });
    const web = express();
    web.get("/favicon.svg", (_req, res) => void res.type("image/svg+xml").send("<svg/>"));
    web.use(app);

    const base = await listen(createAppServer(app, { web, isStatic: (path) => path === "/favicon.svg" }));
    const page = await fetch(`${base}/page?q=x`);
    expect(await page.text()).toBe("page x");
    expect(seen).toEqual([{ request: true, response: true, node: true }]);

    const icon = await fetch(`${base}/favicon.svg?v=1`);
    expect(icon.headers.get("content-type")).toContain("image/svg+xml");
    expect(await icon.text()).toBe("<svg/>");

    const missing = await fetch(`${base}/nothing-here`);
    expect(missing.status).toBe(404);
  });

  it("builds the objects with those prototypes before the app sees them (express would set them anyway)", async () => {
    const request = Object.create(IncomingMessage.prototype) as object;
    const response = Object.create(ServerResponse.prototype) as object;
    const seen: boolean[] = [];
    // Not express: a handler that reports the prototypes the HTTP server built the objects with.
    const app = Object.assign(
      (req: IncomingMessage, res: ServerResponse) => {
        seen.push(Object.getPrototypeOf(req) === request && Object.getPrototypeOf(res) === response);
        res.end("ok");
      },
      { request, response },
    ) as unknown as express.Express;
    const base = await listen(createAppServer(app, { web: () => {}, isStatic: () => false }));
    expect(await (await fetch(`${base}/`)).text()).toBe("ok");
    expect(seen).toEqual([true]);
  });
});
