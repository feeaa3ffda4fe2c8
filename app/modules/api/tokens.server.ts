/**
 * Personal API tokens: created by their owner (shown once; only the SHA-256 is stored),
 * listed with a prefix, revoked; bearer authentication for /api/v1; last use recorded at most
 * once a minute; usage per token per day.
 */
import { and, desc, eq, gte, inArray, isNull, sql } from "drizzle-orm";
import { apiTokens, apiUsage, users } from "../../../db/schema";
import { db } from "~/lib/db.server";
import { now } from "~/lib/clock";
import { audit } from "../audit/audit.server";
import { can, type Actor, type Role } from "../auth/permissions";
import { generateToken, hashToken } from "../auth/tokens";
import { ApiProblem } from "./problem";
import { effectiveScopes, grantableScopes, PREFIX_LENGTH, TOKEN_PATTERN, type ApiScope } from "./scopes";

export const MAX_ACTIVE_TOKENS = 20;
const LAST_USED_EVERY_MS = 60_000;
const DAY_MS = 86_400_000;

export class TokenError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface NewApiToken {
  name: string;
  scopes: ApiScope[];
  lifetimeDays: number;
}

/** Creates a token for `owner`; returns the secret, which is never stored or shown again. */
export async function createApiToken(owner: Actor, input: NewApiToken, ip: string | null = null): Promise<{ id: string; token: string; prefix: string }> {
  const allowed = grantableScopes(owner.role);
  const refused = input.scopes.filter((s) => !allowed.includes(s));
  if (refused.length) throw new TokenError(`Your role cannot grant ${refused.join(", ")}.`, "scopes");
  if (input.scopes.length === 0) throw new TokenError("Choose at least one scope.", "scopes");
  const token = `pt_${generateToken()}`;
  const prefix = token.slice(0, PREFIX_LENGTH);
  const at = now();
  return db().transaction(async (tx) => {
    const [active] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(apiTokens)
      .where(and(eq(apiTokens.userId, owner.id), isNull(apiTokens.revokedAt), sql`${apiTokens.expiresAt} > ${at.toISOString()}::timestamptz`));
    if ((active?.n ?? 0) >= MAX_ACTIVE_TOKENS) throw new TokenError(`You can have at most ${MAX_ACTIVE_TOKENS} active tokens. Revoke one first.`);
    const [row] = await tx
      .insert(apiTokens)
      .values({
        userId: owner.id,
        name: input.name,
        tokenHash: hashToken(token),
        prefix,
        scopes: [...new Set(input.scopes)],
        expiresAt: new Date(at.getTime() + input.lifetimeDays * DAY_MS),
        createdAt: at,
      })
      .returning({ id: apiTokens.id });
    await audit(tx, { actorId: owner.id, action: "api_token.created", targetType: "api_token", targetId: row!.id, ip, data: { name: input.name, scopes: input.scopes, prefix } });
    return { id: row!.id, token, prefix };
  });
}

/** The owner's tokens, newest first (never the secret). */
export async function listApiTokens(ownerId: string) {
  return db()
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      prefix: apiTokens.prefix,
      scopes: apiTokens.scopes,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
      expiresAt: apiTokens.expiresAt,
      revokedAt: apiTokens.revokedAt,
    })
    .from(apiTokens)
    .where(eq(apiTokens.userId, ownerId))
    .orderBy(desc(apiTokens.createdAt));
}

/** Revokes one of the owner's tokens (admins may revoke anyone's). Unknown or foreign: false. */
export async function revokeApiToken(actor: Actor, tokenId: string, ip: string | null = null): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(tokenId)) return false;
  return db().transaction(async (tx) => {
    const where = can(actor, "manage:api-tokens:any") ? eq(apiTokens.id, tokenId) : and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, actor.id));
    const updated = await tx
      .update(apiTokens)
      .set({ revokedAt: now() })
      .where(and(where, isNull(apiTokens.revokedAt)))
      .returning({ id: apiTokens.id, prefix: apiTokens.prefix });
    if (updated.length === 0) return false;
    await audit(tx, { actorId: actor.id, action: "api_token.revoked", targetType: "api_token", targetId: tokenId, ip, data: { prefix: updated[0]!.prefix } });
    return true;
  });
}

export interface ApiPrincipal {
  actor: Actor;
  user: { id: string; email: string; name: string; role: Role; organizationId: string | null };
  token: { id: string; name: string; prefix: string; scopes: ApiScope[]; expiresAt: Date };
}

const QUERY_TOKEN_KEYS = ["access_token", "token", "api_key", "apikey", "api_token", "bearer"];

/** A bearer token in the URL ends up in logs and histories: refuse it outright. */
export function assertNoTokenInQuery(url: URL): void {
  for (const [key, value] of url.searchParams) {
    if (QUERY_TOKEN_KEYS.includes(key.toLowerCase()) || /^pt_/.test(value)) {
      throw new ApiProblem("token_in_query", "Send the token in the Authorization header (Authorization: Bearer pt_…), never in the URL. Treat a token sent in a URL as leaked: revoke it.");
    }
  }
}

/** Resolves `Authorization: Bearer pt_…` to its owner, or throws a 401 problem. */
export async function authenticateBearer(request: Request): Promise<ApiPrincipal> {
  const header = request.headers.get("authorization");
  if (!header) throw new ApiProblem("missing_token", "Send a token as Authorization: Bearer pt_…", undefined, { "WWW-Authenticate": 'Bearer realm="api"' });
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const token = match?.[1] ?? "";
  if (!TOKEN_PATTERN.test(token)) throw invalidToken();
  const [row] = await db()
    .select({ token: apiTokens, user: { id: users.id, email: users.email, name: users.name, role: users.role, organizationId: users.organizationId, disabledAt: users.disabledAt } })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(eq(apiTokens.tokenHash, hashToken(token)));
  if (!row || row.user.disabledAt) throw invalidToken();
  if (row.token.revokedAt) throw new ApiProblem("token_revoked", "This token was revoked. Create a new one on your account page.", undefined, { "WWW-Authenticate": 'Bearer realm="api", error="invalid_token"' });
  const at = now();
  if (row.token.expiresAt.getTime() <= at.getTime()) {
    throw new ApiProblem("token_expired", "This token has expired. Create a new one on your account page.", undefined, { "WWW-Authenticate": 'Bearer realm="api", error="invalid_token"' });
  }
  await touchLastUsed(row.token.id, row.token.lastUsedAt, at);
  const { disabledAt: _d, ...user } = row.user;
  return {
    actor: { id: user.id, role: user.role, organizationId: user.organizationId },
    user,
    token: { id: row.token.id, name: row.token.name, prefix: row.token.prefix, scopes: effectiveScopes(user.role, row.token.scopes), expiresAt: row.token.expiresAt },
  };
}

function invalidToken() {
  return new ApiProblem("invalid_token", "The token is not valid.", undefined, { "WWW-Authenticate": 'Bearer realm="api", error="invalid_token"' });
}

/** last_used_at is written at most once a minute per token (a conditional update). */
async function touchLastUsed(tokenId: string, lastUsedAt: Date | null, at: Date): Promise<void> {
  if (lastUsedAt && at.getTime() - lastUsedAt.getTime() < LAST_USED_EVERY_MS) return;
  const threshold = new Date(at.getTime() - LAST_USED_EVERY_MS).toISOString();
  await db()
    .update(apiTokens)
    .set({ lastUsedAt: at })
    .where(and(eq(apiTokens.id, tokenId), sql`(${apiTokens.lastUsedAt} is null or ${apiTokens.lastUsedAt} < ${threshold}::timestamptz)`));
}

export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** Counts one request (and an error when status ≥ 400) for the token's day, in one upsert. */
export async function recordUsage(tokenId: string, status: number): Promise<void> {
  const error = status >= 400 ? 1 : 0;
  await db()
    .insert(apiUsage)
    .values({ tokenId, day: utcDay(now()), requests: 1, errors: error })
    .onConflictDoUpdate({
      target: [apiUsage.tokenId, apiUsage.day],
      set: { requests: sql`${apiUsage.requests} + 1`, errors: sql`${apiUsage.errors} + ${error}` },
    });
}

export interface UsageDay {
  day: string;
  requests: number;
  errors: number;
}

/** Usage of these tokens for the last `days` days (UTC), every day present (zeros included). */
export async function usageByToken(tokenIds: string[], days = 30): Promise<Map<string, UsageDay[]>> {
  const end = now();
  const first = new Date(end.getTime() - (days - 1) * DAY_MS);
  const rows = tokenIds.length
    ? await db()
        .select({ tokenId: apiUsage.tokenId, day: apiUsage.day, requests: apiUsage.requests, errors: apiUsage.errors })
        .from(apiUsage)
        .where(and(inArray(apiUsage.tokenId, tokenIds), gte(apiUsage.day, utcDay(first))))
    : [];
  const result = new Map<string, UsageDay[]>();
  for (const id of tokenIds) {
    const byDay = new Map(rows.filter((r) => r.tokenId === id).map((r) => [r.day, r]));
    result.set(
      id,
      Array.from({ length: days }, (_, i) => {
        const day = utcDay(new Date(first.getTime() + i * DAY_MS));
        const r = byDay.get(day);
        return { day, requests: r?.requests ?? 0, errors: r?.errors ?? 0 };
      }),
    );
  }
  return result;
}

/** For admins: every user's active tokens with their owner, newest use first. */
export async function listAllActiveApiTokens(limit = 100) {
  const at = now().toISOString();
  return db()
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      prefix: apiTokens.prefix,
      scopes: apiTokens.scopes,
      lastUsedAt: apiTokens.lastUsedAt,
      expiresAt: apiTokens.expiresAt,
      ownerEmail: users.email,
      ownerRole: users.role,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(isNull(apiTokens.revokedAt), sql`${apiTokens.expiresAt} > ${at}::timestamptz`))
    .orderBy(sql`${apiTokens.lastUsedAt} desc nulls last`, desc(apiTokens.createdAt))
    .limit(limit);
}
