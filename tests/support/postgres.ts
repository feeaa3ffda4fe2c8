import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { createDatabase } from "../../db/client";

/** Connection URL of another database on the same server. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(url: string, fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(withDatabase(url, "postgres"), { max: 1, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
}

/** Creates and migrates a template database; test files clone it with CREATE DATABASE … TEMPLATE. */
export async function createTemplateDatabase(url: string): Promise<string> {
  const name = uniqueName("portal_tmpl");
  await admin(url, (sql) => sql.unsafe(`create database "${name}"`));
  const handle = await createDatabase({ url: withDatabase(url, name), max: 1 });
  await handle.migrate();
  await handle.close();
  return name;
}

export async function cloneDatabase(url: string, template: string): Promise<string> {
  const name = uniqueName("portal_test");
  await admin(url, (sql) => sql.unsafe(`create database "${name}" template "${template}"`));
  return name;
}

export async function dropDatabase(url: string, name: string): Promise<void> {
  await admin(url, (sql) => sql.unsafe(`drop database if exists "${name}" with (force)`));
}
