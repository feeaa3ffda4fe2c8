import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { emailOutbox } from "../../db/schema";
import { db } from "~/lib/db.server";
import { enqueueEmail } from "~/modules/email/outbox.server";
import { linksIn } from "~/modules/email/mailbox.server";
import { action as messageAction, loader as messageLoader } from "~/routes/admin/mailbox-message";
import { loader as mailboxLoader } from "~/routes/admin/mailbox";
import { createOrganization, createUser } from "../support/factories";
import { call, getRequest, postForm, signInAs, type SignedIn } from "../support/requests";

let admin: SignedIn;
let agent: SignedIn;
let customer: SignedIn;
const ids: number[] = [];

type ListData = { rows: { id: number; toAddress: string; status: string }[]; nextBefore: number | null; counts: Record<string, number> };

beforeAll(async () => {
  const org = await createOrganization(db());
  admin = await signInAs(await createUser(db(), { role: "admin" }));
  agent = await signInAs(await createUser(db(), { role: "agent" }));
  customer = await signInAs(await createUser(db(), { role: "customer", organizationId: org.id }));
  for (let i = 0; i < 55; i++) {
    const { id } = await enqueueEmail(db(), {
      to: i % 5 === 0 ? `grace${i}@example.test` : `ada${i}@example.test`,
      template: "password_reset",
      data: { name: "Ada", resetUrl: `http://portal.test/reset-password/token-${i}`, expiresInMinutes: 30 },
    });
    ids.push(id);
  }
  await db().update(emailOutbox).set({ status: "failed", lastError: "resend 503 internal_server_error", attempts: 8 }).where(eq(emailOutbox.id, ids[3]!));
});

describe("admin mailbox", () => {
  it("is refused to anonymous visitors, agents and customers", async () => {
    const anon = await call(mailboxLoader, getRequest("/admin/mailbox"));
    expect(anon.status).toBe(302);
    expect(anon.location).toBe("/login?redirectTo=%2Fadmin%2Fmailbox");
    expect((await call(mailboxLoader, getRequest("/admin/mailbox", agent))).status).toBe(403);
    expect((await call(mailboxLoader, getRequest("/admin/mailbox", customer))).status).toBe(403);
    expect((await call(messageLoader, getRequest(`/admin/mailbox/${ids[0]}`, customer), { id: String(ids[0]) })).status).toBe(403);
    const post = await call(messageAction, postForm(`/admin/mailbox/${ids[3]}`, { intent: "retry" }, agent), { id: String(ids[3]) });
    expect(post.status).toBe(403);
  });

  it("lists newest first, 50 a page, with a keyset cursor", async () => {
    const first = await call(mailboxLoader, getRequest("/admin/mailbox", admin));
    expect(first.status).toBe(200);
    const page1 = first.data as ListData;
    expect(page1.rows).toHaveLength(50);
    expect(page1.rows[0]!.id).toBe(ids[54]);
    expect(page1.counts).toMatchObject({ queued: 54, failed: 1 });
    expect(page1.nextBefore).toBe(ids[5]);
    const second = (await call(mailboxLoader, getRequest(`/admin/mailbox?before=${page1.nextBefore}`, admin))).data as ListData;
    expect(second.rows.map((r) => r.id)).toEqual(ids.slice(0, 5).reverse());
    expect(second.nextBefore).toBeNull();
  });

  it("filters by status and recipient", async () => {
    const failed = (await call(mailboxLoader, getRequest("/admin/mailbox?status=failed", admin))).data as ListData;
    expect(failed.rows.map((r) => r.id)).toEqual([ids[3]]);
    const grace = (await call(mailboxLoader, getRequest("/admin/mailbox?q=GRACE", admin))).data as ListData;
    expect(grace.rows).toHaveLength(11);
    expect(grace.rows.every((r) => r.toAddress.startsWith("grace"))).toBe(true);
    const wildcard = (await call(mailboxLoader, getRequest("/admin/mailbox?q=%25", admin))).data as ListData;
    expect(wildcard.rows).toHaveLength(0);
    expect((await call(mailboxLoader, getRequest("/admin/mailbox?status=bogus", admin))).status).toBe(400);
  });

  it("shows one message with the links of its text body", async () => {
    const res = await call(messageLoader, getRequest(`/admin/mailbox/${ids[7]}`, admin), { id: String(ids[7]) });
    expect(res.status).toBe(200);
    const { message, links } = res.data as { message: { to: string; html: string; idempotencyKey: string }; links: string[] };
    expect(message.to).toBe("ada7@example.test");
    expect(message.idempotencyKey).toBe(`outbox-${ids[7]}`);
    expect(links).toEqual(["http://portal.test/reset-password/token-7"]);
    expect((await call(messageLoader, getRequest("/admin/mailbox/999999", admin), { id: "999999" })).status).toBe(404);
    expect((await call(messageLoader, getRequest("/admin/mailbox/abc", admin), { id: "abc" })).status).toBe(404);
  });

  it("retries a failed email, and only a failed one", async () => {
    const retried = await call(messageAction, postForm(`/admin/mailbox/${ids[3]}`, { intent: "retry" }, admin), { id: String(ids[3]) });
    expect(retried.status).toBe(200);
    const [row] = await db().select().from(emailOutbox).where(eq(emailOutbox.id, ids[3]!));
    expect(row).toMatchObject({ status: "queued", attempts: 0 });
    const again = await call(messageAction, postForm(`/admin/mailbox/${ids[3]}`, { intent: "retry" }, admin), { id: String(ids[3]) });
    expect(again.status).toBe(409);
    const bad = await call(messageAction, postForm(`/admin/mailbox/${ids[3]}`, { intent: "delete" }, admin), { id: String(ids[3]) });
    expect(bad.status).toBe(400);
  });

  it("finds links in text, without trailing punctuation, http(s) only", () => {
    expect(linksIn("Open https://a.test/x?y=1. Or (http://b.test/z), not javascript:alert(1) nor ftp://c.test")).toEqual([
      "https://a.test/x?y=1",
      "http://b.test/z",
    ]);
  });
});
