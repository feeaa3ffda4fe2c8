import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local stand-in for the Resend API (POST /emails), for the dispatcher tests and e2e runs.
 *
 * - Records every accepted email (`deliveries`) and every request (`requests`).
 * - Honours `Idempotency-Key`: a repeated key answers the first id and is not delivered again
 *   (counted in `duplicates`), like Resend within its 24 h window.
 * - `failNext(n, status)` answers the next n requests with an error (nothing delivered, key not
 *   stored); `hangNext(n, { deliver })` never answers the next n requests; with `deliver: true`
 *   the email is delivered first, which simulates an answer lost on the way back.
 * - Receiving: `receive(email)` stores a received email that the SDK then reads with
 *   `emails.receiving.get(id)` (GET /emails/receiving/:id) and
 *   `emails.receiving.attachments.list/get` (GET /emails/receiving/:id/attachments[/:aid]);
 *   each attachment's `download_url` points at GET /_downloads/:id/:aid on this server (no API
 *   key, like Resend's signed CDN links), or at `downloadUrl` when one is given.
 */
export interface FakeDelivery {
  id: string;
  idempotencyKey: string | null;
  body: {
    from: string;
    to: string | string[];
    subject: string;
    html?: string;
    text?: string;
    reply_to?: string | string[];
    headers?: Record<string, string>;
  };
  authorization: string | null;
  at: Date;
}

export interface FakeReceivedAttachment {
  id?: string;
  filename: string;
  contentType: string;
  content: Buffer | string;
  /** Overrides the advertised size (the real size is the content's). */
  size?: number;
  /** Overrides the download URL (e.g. another host). */
  downloadUrl?: string;
  disposition?: "inline" | "attachment";
}

export interface FakeReceivedEmail {
  id?: string;
  from: string;
  to: string[];
  cc?: string[];
  subject: string;
  text?: string | null;
  html?: string | null;
  messageId?: string;
  headers?: Record<string, string>;
  attachments?: FakeReceivedAttachment[];
}

export interface FakeResend {
  /** Base URL for RESEND_BASE_URL / ResendTransport (no trailing slash). */
  url: string;
  deliveries: FakeDelivery[];
  requests: { method: string; path: string; idempotencyKey: string | null }[];
  duplicates: number;
  failNext(n: number, status?: number, body?: Record<string, unknown>): void;
  hangNext(n: number, options?: { deliver?: boolean }): void;
  /** Stores a received email for the receiving API; returns its id. */
  receive(email: FakeReceivedEmail): string;
  reset(): void;
  close(): Promise<void>;
}

export async function startFakeResend(): Promise<FakeResend> {
  const byKey = new Map<string, string>();
  const hanging = new Set<ServerResponse>();
  let failures: { left: number; status: number; body: Record<string, unknown> } = { left: 0, status: 500, body: {} };
  let hangs = { left: 0, deliver: false };
  type StoredAttachment = FakeReceivedAttachment & { id: string };
  const received = new Map<string, Omit<FakeReceivedEmail, "attachments"> & { id: string; createdAt: string; attachments: StoredAttachment[] }>();

  const fake: FakeResend = {
    url: "",
    deliveries: [],
    requests: [],
    duplicates: 0,
    failNext(n, status = 500, body) {
      failures = {
        left: n,
        status,
        body: body ?? { statusCode: status, name: status >= 500 ? "internal_server_error" : "validation_error", message: `fake failure ${status}` },
      };
    },
    hangNext(n, options = {}) {
      hangs = { left: n, deliver: options.deliver ?? false };
    },
    receive(email) {
      const id = email.id ?? randomUUID();
      received.set(id, {
        ...email,
        id,
        createdAt: new Date().toISOString(),
        attachments: (email.attachments ?? []).map((a) => ({ ...a, id: a.id ?? randomUUID() })),
      });
      return id;
    },
    reset() {
      received.clear();
      fake.deliveries.length = 0;
      fake.requests.length = 0;
      fake.duplicates = 0;
      byKey.clear();
      failures = { left: 0, status: 500, body: {} };
      hangs = { left: 0, deliver: false };
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };

  const deliver = (req: IncomingMessage, key: string | null, body: FakeDelivery["body"]): string => {
    if (key && byKey.has(key)) {
      fake.duplicates++;
      return byKey.get(key)!;
    }
    const id = randomUUID();
    if (key) byKey.set(key, id);
    fake.deliveries.push({ id, idempotencyKey: key, body, authorization: req.headers.authorization ?? null, at: new Date() });
    return id;
  };

  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = (req.url ?? "/").split("?")[0]!;
    const key = (req.headers["idempotency-key"] as string | undefined) ?? null;
    fake.requests.push({ method: req.method ?? "GET", path, idempotencyKey: key });

    if (req.method === "GET" && (path.startsWith("/emails/receiving/") || path.startsWith("/_downloads/"))) {
      return receiving(req, res, path);
    }
    if (req.method !== "POST" || path !== "/emails") return json(res, 404, { statusCode: 404, name: "not_found", message: "Not found" });
    if (!req.headers.authorization?.startsWith("Bearer ")) {
      return json(res, 401, { statusCode: 401, name: "missing_api_key", message: "Missing API key" });
    }
    let body: FakeDelivery["body"];
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      return json(res, 400, { statusCode: 400, name: "validation_error", message: "Invalid JSON" });
    }
    if (!body.from || !body.to || !body.subject) {
      return json(res, 422, { statusCode: 422, name: "missing_required_field", message: "from, to and subject are required" });
    }
    if (hangs.left > 0) {
      hangs.left--;
      if (hangs.deliver) deliver(req, key, body);
      hanging.add(res);
      res.on("close", () => hanging.delete(res));
      return; // never answers
    }
    if (failures.left > 0) {
      failures.left--;
      return json(res, failures.status, failures.body);
    }
    json(res, 200, { id: deliver(req, key, body) });
  });

  const attachmentData = (emailId: string, a: StoredAttachment) => ({
    object: "attachment",
    id: a.id,
    filename: a.filename,
    size: a.size ?? Buffer.byteLength(a.content),
    content_type: a.contentType,
    content_disposition: a.disposition ?? "attachment",
    content_id: null,
    download_url: a.downloadUrl ?? `${fake.url}/_downloads/${emailId}/${a.id}?signature=fake`,
    expires_at: new Date(Date.now() + 3600_000).toISOString(),
  });

  function receiving(req: IncomingMessage, res: ServerResponse, path: string) {
    const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
    if (parts[0] === "_downloads") {
      const a = received.get(parts[1] ?? "")?.attachments.find((x) => x.id === parts[2]);
      if (!a) return json(res, 404, { statusCode: 404, name: "not_found", message: "No such attachment" });
      const body = Buffer.isBuffer(a.content) ? a.content : Buffer.from(a.content);
      res.writeHead(200, { "content-type": a.contentType, "content-length": String(body.length) });
      return res.end(body);
    }
    if (!req.headers.authorization?.startsWith("Bearer ")) {
      return json(res, 401, { statusCode: 401, name: "missing_api_key", message: "Missing API key" });
    }
    if (failures.left > 0) {
      failures.left--;
      return json(res, failures.status, failures.body);
    }
    // parts: emails, receiving, :id[, attachments[, :aid]]
    const email = received.get(parts[2] ?? "");
    if (!email) return json(res, 404, { statusCode: 404, name: "not_found", message: "Email not found" });
    if (parts.length === 3) {
      const headers: Record<string, string> = { "message-id": email.messageId ?? `<${email.id}@mail.example>`, ...(email.headers ?? {}) };
      return json(res, 200, {
        object: "email",
        id: email.id,
        to: email.to,
        from: email.from,
        created_at: email.createdAt,
        subject: email.subject,
        bcc: null,
        cc: email.cc ?? null,
        reply_to: null,
        received_for: email.to,
        html: email.html ?? null,
        text: email.text ?? null,
        headers,
        message_id: email.messageId ?? `<${email.id}@mail.example>`,
        raw: null,
        attachments: email.attachments.map((a) => ({
          id: a.id,
          filename: a.filename,
          size: a.size ?? Buffer.byteLength(a.content),
          content_type: a.contentType,
          content_id: null,
          content_disposition: a.disposition ?? "attachment",
        })),
      });
    }
    if (parts[3] === "attachments" && parts.length === 4) {
      return json(res, 200, { object: "list", has_more: false, data: email.attachments.map((a) => attachmentData(email.id, a)) });
    }
    if (parts[3] === "attachments" && parts.length === 5) {
      const a = email.attachments.find((x) => x.id === parts[4]);
      if (!a) return json(res, 404, { statusCode: 404, name: "not_found", message: "Attachment not found" });
      return json(res, 200, attachmentData(email.id, a));
    }
    return json(res, 404, { statusCode: 404, name: "not_found", message: "Not found" });
  }

  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
