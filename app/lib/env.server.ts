import { z } from "zod";

const booleanish = z
  .enum(["true", "false", "1", "0", "yes", "no", ""])
  .optional()
  .transform((v) => v === "true" || v === "1" || v === "yes");

/** An empty variable (`KEY=`) means "not set". */
const emptyAsUnset = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema);

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  /** The site's public origin; https turns on Secure/__Host- cookies. */
  APP_URL: z.url({ protocol: /^https?$/ }).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  PGLITE_DIR: z.string().min(1).default(".data/pglite"),
  RESEND_API_KEY: emptyAsUnset(z.string().optional()),
  RESEND_BASE_URL: emptyAsUnset(z.url().optional()),
  RESEND_WEBHOOK_SECRET: emptyAsUnset(z.string().optional()),
  /** Bearer token that guards GET /metrics; without it the endpoint answers 404. */
  METRICS_TOKEN: emptyAsUnset(z.string().min(16, "must be at least 16 characters (e.g. openssl rand -hex 32)").optional()),
  /** The domain of reply addresses (reply+<token>@…) and Message-IDs; default: APP_URL's host. */
  INBOUND_EMAIL_DOMAIN: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/, "must be a domain name such as support.example.com")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  EMAIL_FROM: z.string().min(3).default("Support Portal <support@localhost>"),
  TRUST_PROXY: booleanish,
  /** "false" keeps the job runner out of the web process (run `npm run worker` instead). */
  RUN_JOBS: z
    .enum(["true", "false", "1", "0", ""])
    .optional()
    .transform((v) => v !== "false" && v !== "0"),
  /** Seed the demo into an empty database at start-up (default true). */
  SEED_DEMO: z
    .enum(["true", "false", "1", "0", ""])
    .optional()
    .transform((v) => v !== "false" && v !== "0"),
  JOB_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  /** How often the SLA sweep looks for new warnings and breaches. */
  SLA_SWEEP_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  /** Let escalation webhooks reach private and loopback addresses (tests, on-premise chat). */
  ALLOW_PRIVATE_WEBHOOKS: booleanish,
  /** Let outgoing webhooks (and escalation webhooks) reach private, loopback and other non-public addresses (development, tests). */
  ALLOW_PRIVATE_WEBHOOK_TARGETS: booleanish,
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  /** Slack (docs/slack.md): override the bot token and signing secret saved at /admin/slack. */
  SLACK_BOT_TOKEN: emptyAsUnset(z.string().regex(/^xox[a-z]-/, "must be a Slack token (xoxb-…)").optional()),
  SLACK_SIGNING_SECRET: emptyAsUnset(z.string().min(8).optional()),
  /** Slack's Web API base URL (tests point it at a local fake). */
  SLACK_API_URL: emptyAsUnset(z.url({ protocol: /^https?$/ }).optional()),
});

export type Env = z.infer<typeof envSchema> & { APP_URL: string; INBOUND_EMAIL_DOMAIN: string; secureCookies: boolean };

/** Parses an environment; throws an Error whose message is one line naming the variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = issue.path.join(".") || "environment";
    throw new Error(`Invalid environment variable ${name}: ${issue.message}`);
  }
  const parsed = result.data;
  const appUrl = (parsed.APP_URL ?? `http://localhost:${parsed.PORT}`).replace(/\/+$/, "");
  return {
    ...parsed,
    APP_URL: appUrl,
    INBOUND_EMAIL_DOMAIN: parsed.INBOUND_EMAIL_DOMAIN ?? new URL(appUrl).hostname.toLowerCase(),
    secureCookies: appUrl.startsWith("https://"),
  };
}

let cached: Env | undefined;

/** The validated environment of this process (parsed once). */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Tests reset this after changing process.env. */
export function resetEnvForTests(): void {
  cached = undefined;
}
