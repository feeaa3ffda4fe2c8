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
    const write = res.write as (chunk: Buffer, cb?: (error?: Error | null) => void) => boolean;
    const end = res.end;
    const resFlush = res as Response & { flush?: () => void };
    const flushDownstream = typeof resFlush.flush === "function" ? resFlush.flush.bind(res) : undefined;
    let parts: Buffer[] = [];
    let size = 0;
    let scheduled: NodeJS.Immediate | undefined;
    let flushWanted = false;

    const drain = (cb?: (error?: Error | null) => void): boolean => {
      if (scheduled) {
        clearImmediate(scheduled);
        scheduled = undefined;
      }
      let ok = true;
      if (size > 0) {
        const chunk = parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
        parts = [];
        size = 0;
        ok = write.call(res, chunk, cb);
      } else if (cb) {
        ok = write.call(res, Buffer.alloc(0), cb);
      }
      if (flushWanted) {
        flushWanted = false;
        flushDownstream?.();
      }
      return ok;
    };
    const schedule = () => {
      scheduled ??= setImmediate(() => {
        scheduled = undefined;
        if (!res.writableEnded && !res.destroyed) drain();
      });
    };

    res.write = function (this: Response, chunk: unknown, encodingOrCb?: unknown, maybeCb?: unknown): boolean {
      const cb = (typeof encodingOrCb === "function" ? encodingOrCb : maybeCb) as ((error?: Error | null) => void) | undefined;
      const encoding = typeof encodingOrCb === "string" ? (encodingOrCb as BufferEncoding) : undefined;
      if (res.writableEnded || res.destroyed) return (write as (...a: unknown[]) => boolean).call(res, chunk, encodingOrCb, maybeCb);
      const buffer = typeof chunk === "string" ? Buffer.from(chunk, encoding) : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      if (buffer.length > 0) {
        parts.push(buffer);
        size += buffer.length;
      }
      if (cb || size >= maxBuffered) return drain(cb);
      schedule();
      // Buffered (at most maxBuffered bytes): the real write at that bound reports backpressure.
      return true;
    } as Response["write"];

    if (flushDownstream) {
      resFlush.flush = () => {
        flushWanted = true;
        if (size === 0 && !scheduled) {
          flushWanted = false;
          flushDownstream();
        }
      };
    }

    res.end = function (this: Response, ...args: unknown[]) {
      if (size > 0 || scheduled) {
        // Hand the buffered part on first; end() then carries the last chunk, if any.
        flushWanted = false;
        drain();
      }
      return (end as (...a: unknown[]) => Response).apply(res, args);
    } as Response["end"];

    next();
  };
}
