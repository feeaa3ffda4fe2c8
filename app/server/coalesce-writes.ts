import type { NextFunction, Request, Response } from "express";

/**
 * Coalesces a response's many small writes into few large ones.
 *
 * React's streaming renderer writes a page in 2 KB chunks (~55 for a 110 KB desk queue), and
 * React Router's Node adapter writes each chunk to the response and then calls `res.flush()`.
 * Behind `compression` every chunk was one zlib call on the thread pool plus a sync flush
 * (Z_SYNC_FLUSH: more output, less compression), and every flush one socket write; without
 * compression every chunk was one socket write. That was ~4 ms of CPU per desk page (profile in
 * docs/performance.md, "Per-request CPU"); compressing the same page in 16 KB pieces costs a third.
 *
 * Writes are kept and handed on together at the end of the current turn of the event loop
 * (setImmediate), or at once when `maxBuffered` bytes are waiting, a write has a callback, or the
 * response ends. Streaming is preserved: what a render writes in one go leaves in one go, and
 * what it writes later (deferred data) leaves a turn after it was written. `res.flush()` (which
 * compression adds) is deferred to that same point. A response sent whole (`res.send`, one
 * `res.end(body)`) passes through untouched.
 *
 * Mount it after `compression()` so it wraps compression's write/flush.
 */
export function coalesceWrites(maxBuffered = 64 * 1024) {
  return (_req: Request, res: Response, next: NextFunction) => {
    const target = res as CoalescingResponse;
    const flush: unknown = target.flush;
    target[state] = {
      maxBuffered,
      write: res.write as WriteFunction,
      end: res.end as EndFunction,
      flush: typeof flush === "function" ? (flush as () => void) : undefined,
      parts: [],
      size: 0,
      scheduled: undefined,
      flushWanted: false,
    };
    // The same three functions for every response, its state on the response itself: a closure
    // per response, assigned to it, kept every response's objects alive through the next
    // young-generation GCs (docs/performance.md, "Express and the GC tail").
    res.write = coalescedWrite as Response["write"];
    res.end = coalescedEnd as Response["end"];
    if (typeof flush === "function") target.flush = coalescedFlush;
    next();
  };
}

type WriteFunction = (this: Response, chunk: unknown, encodingOrCb?: unknown, maybeCb?: unknown) => boolean;
type EndFunction = (this: Response, ...args: unknown[]) => Response;
type Callback = (error?: Error | null) => void;

const state = Symbol("coalesceWrites");

interface CoalesceState {
  maxBuffered: number;
  /** The response's own write/end/flush (compression's, when it is mounted before). */
  write: WriteFunction;
  end: EndFunction;
  flush: (() => void) | undefined;
  parts: Buffer[];
  size: number;
  scheduled: NodeJS.Immediate | undefined;
  flushWanted: boolean;
}

type CoalescingResponse = Response & { flush?: () => void; [state]: CoalesceState };

function drain(res: CoalescingResponse, cb?: Callback): boolean {
  const s = res[state];
  if (s.scheduled) {
    clearImmediate(s.scheduled);
    s.scheduled = undefined;
  }
  let ok = true;
  if (s.size > 0) {
    const chunk = s.parts.length === 1 ? s.parts[0]! : Buffer.concat(s.parts, s.size);
    s.parts = [];
    s.size = 0;
    ok = s.write.call(res, chunk, cb);
  } else if (cb) {
    ok = s.write.call(res, Buffer.alloc(0), cb);
  }
  if (s.flushWanted) {
    s.flushWanted = false;
    s.flush?.call(res);
  }
  return ok;
}

function drainScheduled(res: CoalescingResponse): void {
  res[state].scheduled = undefined;
  if (!res.writableEnded && !res.destroyed) drain(res);
}

function coalescedWrite(this: CoalescingResponse, chunk: unknown, encodingOrCb?: unknown, maybeCb?: unknown): boolean {
  const s = this[state];
  const cb = (typeof encodingOrCb === "function" ? encodingOrCb : maybeCb) as Callback | undefined;
  const encoding = typeof encodingOrCb === "string" ? (encodingOrCb as BufferEncoding) : undefined;
  if (this.writableEnded || this.destroyed) return s.write.call(this, chunk, encodingOrCb, maybeCb);
  const buffer = typeof chunk === "string" ? Buffer.from(chunk, encoding) : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
  if (buffer.length > 0) {
    s.parts.push(buffer);
    s.size += buffer.length;
  }
  if (cb || s.size >= s.maxBuffered) return drain(this, cb);
  s.scheduled ??= setImmediate(drainScheduled, this);
  // Buffered (at most maxBuffered bytes): the real write at that bound reports backpressure.
  return true;
}

function coalescedFlush(this: CoalescingResponse): void {
  const s = this[state];
  s.flushWanted = true;
  if (s.size === 0 && !s.scheduled) {
    s.flushWanted = false;
    s.flush?.call(this);
  }
}

function coalescedEnd(this: CoalescingResponse, ...args: unknown[]): Response {
  const s = this[state];
  if (s.size > 0 || s.scheduled) {
    // Hand the buffered part on first; end() then carries the last chunk, if any.
    s.flushWanted = false;
    drain(this);
  }
  return s.end.apply(this, args);
}
