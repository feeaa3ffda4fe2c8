import { createServer, IncomingMessage, ServerResponse, type RequestListener, type Server } from "node:http";
import type { Express } from "express";

/**
 * A constructor for the HTTP server whose objects have `prototype` from the start (and are still
 * `instanceof base`).
 *
 * Express gives every request and response its application's prototype
 * (`Object.setPrototypeOf(req, app.request)` in `app.handle`). V8 (Node 20) keeps the last few
 * objects whose prototype was changed after they were built alive through the next
 * young-generation GC, and with them everything they reach — for a request, the whole of its
 * response, loader data and render: 3–5 MB promoted to the old generation per scavenge, each
 * scavenge pausing 3–5 ms, where a bare `node:http` handler promotes nothing
 * (docs/performance.md, "Express and the GC tail"). Built with the application's prototype
 * already, express's call changes nothing.
 *
 * The base constructor runs on the new object as a plain call (`base.call(this, …)`, as Node's own
 * subclasses of these did): `Reflect.construct(base, args, Constructed)` builds the object with
 * the same kept-alive fate. Should Node's constructors become classes (not callable), this
 * returns `base` and express sets the prototypes as before.
 */
export function constructedWith<T extends abstract new (...args: never[]) => object>(base: T, prototype: object): T {
  if (/^class\b/.test(Function.prototype.toString.call(base))) return base;
  const init = base as unknown as (this: object, ...args: unknown[]) => void;
  function Constructed(this: object, ...args: unknown[]): void {
    init.apply(this, args);
  }
  Constructed.prototype = prototype;
  return Constructed as unknown as T;
}

/**
 * The HTTP server of `npm start`: requests whose path `isStatic` names go to `web` (the static
 * files, with the app mounted behind them for a file that is not there), every other request
 * straight to `app`, on request and response objects built with `app`'s prototypes.
 */
export function createAppServer(app: Express, { web, isStatic }: { web: RequestListener; isStatic: (path: string) => boolean }): Server {
  const listener: RequestListener = (req, res) => {
    const url = req.url ?? "/";
    const query = url.indexOf("?");
    return isStatic(query === -1 ? url : url.slice(0, query)) ? web(req, res) : app(req, res);
  };
  return createServer(
    {
      IncomingMessage: constructedWith<typeof IncomingMessage>(IncomingMessage, app.request),
      ServerResponse: constructedWith<typeof ServerResponse>(ServerResponse, app.response),
    },
    listener,
  );
}
