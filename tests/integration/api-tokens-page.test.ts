import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { apiTokens } from "../../db/schema";
import { db } from "~/lib/db.server";
import { hashToken } from "~/modules/auth/tokens";
import { action, loader } from "~/routes/auth/tokens";
import { loader as meLoader } from "~/routes/api/me";
import { createOrganization, createUser } from "../support/factories";
import { call, getRequest, postForm, signInAs, type SignedIn } from "../support/requests";
import { apiRequest } from "../support/api";

type PageData = {
  scopes: { scope: string }[];
  tokens: { id: string; name: string; prefix: string; state: string; usage: { requests: number }[] }[];
  others: { id: string; owner: string }[] | null;
};

let customer: SignedIn, other: SignedIn, admin: SignedIn;

beforeAll(async () => {
  const org = await createOrganization(db(), { name: "Token Co" });
  customer = await signInAs(await createUser(db(), { role: "customer", organizationId: org.id }));
  other = await signInAs(await createUser(db(), { role: "customer", organizationId: org.id }));
  admin = await signInAs(await createUser(db(), { role: "admin" }));
});

async function create(as: SignedIn, fields: Record<string, string | string[]>) {
  return call(action, postForm("/account/tokens", { intent: "create", ...fields }, as));
}

describe("/account/tokens", () => {
  it("sends signed-out visitors to sign in", async () => {
    const res = await call(loader, getRequest("/account/tokens"));
    expect(res.status).toBe(302);
    expect(res.location).toBe("/login?redirectTo=%2Faccount%2Ftokens");
  });

  it("offers only the scopes the role may grant, and refuses others", async () => {
    const page = (await call(loader, getRequest("/account/tokens", customer))).data as PageData;
    expect(page.scopes.map((s) => s.scope)).toEqual(["tickets:read", "tickets:write", "kb:read"]);
    expect(page.others).toBeNull();
    const refused = await create(customer, { name: "Sneaky", scopes: ["tickets:read", "admin"], expiresInDays: "30" });
    expect(refused.status).toBe(400);
    expect((refused.data as { fieldErrors: Record<string, string> }).fieldErrors.scopes).toMatch(/cannot grant admin/);
    const noScope = await create(customer, { name: "Nothing", expiresInDays: "30" });
    expect(noScope.status).toBe(400);
    expect((noScope.data as { fieldErrors: Record<string, string> }).fieldErrors.scopes).toBeTruthy();
    const badExpiry = await create(customer, { name: "Forever", scopes: "kb:read", expiresInDays: "9999" });
    expect((badExpiry.data as { fieldErrors: Record<string, string> }).fieldErrors.expiresInDays).toBeTruthy();
  });

  it("shows a new token once, stores its hash, lists it by prefix, and it works until revoked", async () => {
    const res = await create(customer, { name: "Nightly export", scopes: ["tickets:read", "kb:read"], expiresInDays: "90" });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const token = (res.data as { created: { token: string } }).created.token;
    expect(token).toMatch(/^pt_[a-z2-7]{32}$/);
    const [row] = await db().select().from(apiTokens).where(eq(apiTokens.tokenHash, hashToken(token)));
    expect(row).toMatchObject({ name: "Nightly export", scopes: ["tickets:read", "kb:read"], prefix: token.slice(0, 10) });
    expect((row!.expiresAt.getTime() - row!.createdAt.getTime()) / 86_400_000).toBe(90);

    expect((await call(meLoader, apiRequest("GET", "/api/v1/me", token))).status).toBe(200);
    const page = await call(loader, getRequest("/account/tokens", customer));
    expect(JSON.stringify(page.data)).not.toContain(token);
    const listed = (page.data as PageData).tokens.find((t) => t.id === row!.id)!;
    expect(listed).toMatchObject({ prefix: token.slice(0, 10), state: "active" });
    expect(listed.usage).toHaveLength(30);
    expect(listed.usage.at(-1)!.requests).toBe(1);

    // Someone else cannot revoke it; the owner can.
    const foreign = await call(action, postForm("/account/tokens", { intent: "revoke", tokenId: row!.id }, other));
    expect(foreign.status).toBe(404);
    const revoked = await call(action, postForm("/account/tokens", { intent: "revoke", tokenId: row!.id }, customer));
    expect(revoked.status).toBe(302);
    expect(revoked.location).toBe("/account/tokens?revoked=1");
    expect((await call(meLoader, apiRequest("GET", "/api/v1/me", token))).status).toBe(401);
    const after = (await call(loader, getRequest("/account/tokens", customer))).data as PageData;
    expect(after.tokens.find((t) => t.id === row!.id)!.state).toBe("revoked");
  });

  it("shows admins everyone's active tokens with usage, and lets them revoke one", async () => {
    const res = await create(other, { name: "Other's script", scopes: "kb:read", expiresInDays: "30" });
    const token = (res.data as { created: { token: string } }).created.token;
    const page = (await call(loader, getRequest("/account/tokens", admin))).data as PageData;
    expect(page.scopes.map((s) => s.scope)).toContain("admin");
    const listed = page.others!.find((t) => t.owner === other.user.email);
    expect(listed).toBeTruthy();
    const revoked = await call(action, postForm("/account/tokens", { intent: "revoke", tokenId: listed!.id }, admin));
    expect(revoked.status).toBe(302);
    expect((await call(meLoader, apiRequest("GET", "/api/v1/me", token))).status).toBe(401);
  });
});
