import { describe, expect, it } from "vitest";
import { parseEnv } from "~/lib/env.server";

function errorOf(source: Record<string, string | undefined>): string {
  try {
    parseEnv(source);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("parseEnv accepted the environment");
}

describe("parseEnv", () => {
  it("fills in defaults for an empty environment", () => {
    const env = parseEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.NODE_ENV).toBe("production");
    expect(env.APP_URL).toBe("http://localhost:3000");
    expect(env.secureCookies).toBe(false);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.PGLITE_DIR).toBe(".data/pglite");
    expect(env.RUN_JOBS).toBe(true);
    expect(env.TRUST_PROXY).toBe(false);
  });

  it("derives APP_URL from PORT and strips a trailing slash", () => {
    expect(parseEnv({ PORT: "4000" }).APP_URL).toBe("http://localhost:4000");
    expect(parseEnv({ APP_URL: "https://support.example.com/" }).APP_URL).toBe("https://support.example.com");
  });

  it("turns on secure cookies for an https APP_URL", () => {
    expect(parseEnv({ APP_URL: "https://support.example.com" }).secureCookies).toBe(true);
  });

  it("reads booleans and empty strings", () => {
    expect(parseEnv({ TRUST_PROXY: "true" }).TRUST_PROXY).toBe(true);
    expect(parseEnv({ TRUST_PROXY: "0" }).TRUST_PROXY).toBe(false);
    expect(parseEnv({ RUN_JOBS: "false" }).RUN_JOBS).toBe(false);
    expect(parseEnv({ DATABASE_URL: "" }).DATABASE_URL).toBeUndefined();
    // An empty variable means "not set".
    expect(parseEnv({ RESEND_API_KEY: "" }).RESEND_API_KEY).toBeUndefined();
    expect(parseEnv({ RESEND_WEBHOOK_SECRET: "", RESEND_BASE_URL: "" }).RESEND_BASE_URL).toBeUndefined();
  });

  it.each([
    ["PORT", { PORT: "http" }],
    ["PORT", { PORT: "70000" }],
    ["DATABASE_URL", { DATABASE_URL: "mysql://localhost/db" }],
    ["APP_URL", { APP_URL: "ftp://example.com" }],
    ["APP_URL", { APP_URL: "not a url" }],
    ["NODE_ENV", { NODE_ENV: "staging" }],
    ["TRUST_PROXY", { TRUST_PROXY: "maybe" }],
    ["JOB_POLL_MS", { JOB_POLL_MS: "5" }],
    ["LOG_LEVEL", { LOG_LEVEL: "verbose" }],
  ])("names %s in one line when it is bad", (name, source) => {
    const message = errorOf(source);
    expect(message).toContain(`Invalid environment variable ${name}:`);
    expect(message).not.toContain("\n");
    expect(message.length).toBeLessThan(300);
  });

  it("explains a bad DATABASE_URL", () => {
    expect(errorOf({ DATABASE_URL: "localhost:5432" })).toBe(
      "Invalid environment variable DATABASE_URL: must start with postgres:// or postgresql://",
    );
  });

  it("accepts postgres and postgresql URLs", () => {
    expect(parseEnv({ DATABASE_URL: "postgres://u@h/db" }).DATABASE_URL).toBe("postgres://u@h/db");
    expect(parseEnv({ DATABASE_URL: "postgresql://u@h/db" }).DATABASE_URL).toBe("postgresql://u@h/db");
  });
});
