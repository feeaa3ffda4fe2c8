/**
 * `npm run admin -- <command>`: administration from the command line.
 *
 *   create-admin --email <e> [--name <n>]   creates an administrator; the password is read from
 *                                           stdin when it is not a terminal, else prompted (hidden).
 *   create-api-token --email <e> --scopes …  creates an API token for automation (printed once).
 *   backup <file> / restore <file>           the PGlite data directory (docs/operations.md).
 *
 * It opens the configured database (DATABASE_URL, else the PGlite directory PGLITE_DIR, default
 * .data/pglite) and applies pending migrations first. PGlite is a single-process database: with
 * PGlite, run this while the web server is stopped (two processes must not open one directory).
 */
import { parseArgs } from "node:util";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { createDatabase } from "../../db/client";
import { auditEvents, users } from "../../db/schema";
import { useDatabase as installDatabase } from "../lib/db.server";
import { createApiToken, TokenError } from "../modules/api/tokens.server";
import { apiScopes, grantableScopes, isApiScope } from "../modules/api/scopes";
import { hashPassword, MIN_PASSWORD_LENGTH } from "../modules/auth/password.server";
import { backupPglite, BackupError, postgresBackupHelp, restorePglite } from "./backup";

const HELP = `Usage: npm run admin -- <command> [options]

Commands:
  create-admin --email <email> [--name <name>]
      Create an administrator account. The password is read from stdin when stdin is
      not a terminal (e.g. echo "$PASSWORD" | npm run admin -- create-admin --email a@b.c),
      otherwise it is asked for twice at a hidden prompt. At least ${MIN_PASSWORD_LENGTH} characters.
      Refuses an email that already has an account.
  create-api-token --email <email> --scopes <scope,scope…> [--name <name>] [--expires-in-days <n>]
      Create a personal API token for that (enabled) user, for scripts and integrations, and
      print it once on stdout (only its hash is stored). The user's role must be allowed to
      grant each scope, as on /account/tokens. --name defaults to "automation",
      --expires-in-days to 90 (1–365). Scopes: ${apiScopes.join(", ")}.
  backup <file> [--force]
      PGlite: write a backup of the data directory (a gzipped tarball) to <file>. Stop the
      web server and workers first. --force replaces an existing file, or backs up although
      the directory looks open (after a crash).
      PostgreSQL (DATABASE_URL): prints the pg_dump command to use instead.
  restore <file> [--force]
      PGlite: restore a backup into PGLITE_DIR, which must be empty or absent; --force moves a
      non-empty directory aside to <dir>.before-restore-<time> first. Start the portal
      afterwards: it applies pending migrations.
      PostgreSQL (DATABASE_URL): prints the pg_restore commands to use instead.
  help, --help
      Show this help.

Database: DATABASE_URL (postgres://…) when set, else the PGlite directory PGLITE_DIR
(default .data/pglite). Pending migrations are applied first.
With PGlite, stop the web server before running this: only one process may open the directory.
`;

class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // The first line is the password; a trailing newline (echo, heredoc) is not part of it.
  return Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0] ?? "";
}

/** Reads a line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding("utf8");
    let value = "";
    const done = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener("data", onData);
      process.stderr.write("\n");
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n") return done();
        if (ch === "\u0003" || ch === "\u0004") return done(new CliError("Cancelled.", 130));
        if (ch === "\u007f" || ch === "\b") value = value.slice(0, -1);
        else if (ch >= " ") value += ch;
      }
    };
    stdin.on("data", onData);
  });
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) return readStdin();
  const first = await promptHidden("Password: ");
  if (first.length < MIN_PASSWORD_LENGTH) return first;
  const second = await promptHidden("Repeat the password: ");
  if (first !== second) throw new CliError("The two passwords do not match.");
  return first;
}

const createAdminArgs = z.object({
  email: z
    .string({ error: "Give the email with --email <email>." })
    .trim()
    .toLowerCase()
    .pipe(z.email("The --email value is not a valid email address.")),
  name: z.string().trim().max(200, "The --name value is too long.").optional(),
});

async function createAdmin(argv: string[]): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options: { email: { type: "string" }, name: { type: "string" } }, strict: true }));
  } catch (error) {
    throw new CliError(`${(error as Error).message} (see --help)`, 2);
  }
  const parsed = createAdminArgs.safeParse(values);
  if (!parsed.success) throw new CliError(parsed.error.issues[0]!.message, 2);
  const { email } = parsed.data;
  const name = parsed.data.name || email.split("@")[0]!;

  const password = await readPassword();
  if (password.length < MIN_PASSWORD_LENGTH) throw new CliError(`The password must have at least ${MIN_PASSWORD_LENGTH} characters.`);
  if (password.length > 1024) throw new CliError("The password is too long.");

  const url = process.env.DATABASE_URL || undefined;
  if (url && !/^postgres(ql)?:\/\//.test(url)) throw new CliError("DATABASE_URL must start with postgres:// or postgresql://.");
  const dataDir = process.env.PGLITE_DIR || ".data/pglite";
  let handle: Awaited<ReturnType<typeof createDatabase>>;
  try {
    handle = await createDatabase(url ? { url, max: 1 } : { dataDir });
    await handle.migrate();
  } catch (error) {
    throw new CliError(`Cannot open the database (${url ? "DATABASE_URL" : dataDir}): ${firstLine(error)}`);
  }
  try {
    const passwordHash = await hashPassword(password);
    const created = await handle.db.transaction(async (tx) => {
      const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.email, email)).limit(1);
      if (existing) return null;
      const [user] = await tx.insert(users).values({ email, name, role: "admin", passwordHash }).returning({ id: users.id });
      await tx.insert(auditEvents).values({
        actorId: null,
        action: "user.created",
        targetType: "user",
        targetId: user!.id,
        data: { email, role: "admin", via: "cli" },
      });
      return user!;
    });
    if (!created) throw new CliError(`An account with the email ${email} already exists.`);
    console.log(`Created administrator ${email} (${name}).`);
  } catch (error) {
    if (error instanceof CliError) throw error;
    if ((error as { code?: string }).code === "23505") throw new CliError(`An account with the email ${email} already exists.`);
    throw new CliError(`Could not create the administrator: ${firstLine(error)}`);
  } finally {
    await handle.close();
  }
}

function databaseConfig(): { url?: string; dataDir: string } {
  const url = process.env.DATABASE_URL || undefined;
  if (url && !/^postgres(ql)?:\/\//.test(url)) throw new CliError("DATABASE_URL must start with postgres:// or postgresql://.");
  return { url, dataDir: process.env.PGLITE_DIR || ".data/pglite" };
}

const createTokenArgs = z.object({
  email: z
    .string({ error: "Give the user's email with --email <email>." })
    .trim()
    .toLowerCase()
    .pipe(z.email("The --email value is not a valid email address.")),
  scopes: z
    .string({ error: `Give the scopes with --scopes (comma-separated: ${apiScopes.join(", ")}).` })
    .transform((v) => [...new Set(v.split(",").map((s) => s.trim()).filter(Boolean))])
    .refine((list) => list.length > 0, `Give at least one scope with --scopes (${apiScopes.join(", ")}).`),
  name: z.string().trim().min(1, "The --name value is empty.").max(80, "The --name value is too long (at most 80 characters).").default("automation"),
  "expires-in-days": z
    .string()
    .regex(/^\d+$/, "--expires-in-days must be a whole number of days (1–365).")
    .transform(Number)
    .pipe(z.number().int().min(1, "--expires-in-days must be between 1 and 365.").max(365, "--expires-in-days must be between 1 and 365."))
    .default(90),
});

async function createApiTokenCommand(argv: string[]): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { email: { type: "string" }, scopes: { type: "string" }, name: { type: "string" }, "expires-in-days": { type: "string" } },
      strict: true,
    }));
  } catch (error) {
    throw new CliError(`${(error as Error).message} (see --help)`, 2);
  }
  const parsed = createTokenArgs.safeParse(values);
  if (!parsed.success) throw new CliError(parsed.error.issues[0]!.message, 2);
  const { email, name } = parsed.data;
  const unknown = parsed.data.scopes.filter((s) => !isApiScope(s));
  if (unknown.length) throw new CliError(`Unknown scope${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}. Scopes: ${apiScopes.join(", ")}.`, 2);
  const scopes = parsed.data.scopes.filter(isApiScope);

  const { url, dataDir } = databaseConfig();
  let handle: Awaited<ReturnType<typeof createDatabase>>;
  try {
    handle = await createDatabase(url ? { url, max: 1 } : { dataDir });
    await handle.migrate();
  } catch (error) {
    throw new CliError(`Cannot open the database (${url ? "DATABASE_URL" : dataDir}): ${firstLine(error)}`);
  }
  try {
    const [user] = await handle.db
      .select({ id: users.id, role: users.role, organizationId: users.organizationId, disabledAt: users.disabledAt })
      .from(users)
      .where(eq(users.email, email))
      .limit(1);
    if (!user) throw new CliError(`There is no account with the email ${email}.`);
    if (user.disabledAt) throw new CliError(`The account ${email} is disabled; its tokens would not work.`);
    const refused = scopes.filter((s) => !grantableScopes(user.role).includes(s));
    if (refused.length) {
      throw new CliError(`A ${user.role} cannot be given ${refused.join(", ")}. Scopes this account may have: ${grantableScopes(user.role).join(", ")}.`);
    }
    // The same function as /account/tokens: role check, active-token limit, audit event.
    installDatabase(handle);
    const created = await createApiToken({ id: user.id, role: user.role, organizationId: user.organizationId }, { name, scopes, lifetimeDays: parsed.data["expires-in-days"] });
    process.stderr.write(
      `Created API token "${name}" for ${email} (${scopes.join(", ")}), expiring in ${parsed.data["expires-in-days"]} days.\n` +
        "It is shown only now: store it in your secret manager. Send it as Authorization: Bearer <token>.\n",
    );
    process.stdout.write(`${created.token}\n`);
  } catch (error) {
    if (error instanceof CliError) throw error;
    if (error instanceof TokenError) throw new CliError(error.message);
    throw new CliError(`Could not create the token: ${firstLine(error)}`);
  } finally {
    installDatabase(undefined);
    await handle.close();
  }
}

async function backupCommand(command: "backup" | "restore", argv: string[]): Promise<number> {
  let positionals: string[];
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values, positionals } = parseArgs({ args: argv, options: { force: { type: "boolean" } }, allowPositionals: true, strict: true }));
  } catch (error) {
    throw new CliError(`${(error as Error).message} (see --help)`, 2);
  }
  if (positionals.length !== 1) throw new CliError(`Give one file: npm run admin -- ${command} <file> (see --help).`, 2);
  const file = positionals[0]!;
  const force = values.force === true;
  const { url, dataDir } = databaseConfig();
  if (url) {
    process.stdout.write(postgresBackupHelp(command, file));
    return 3;
  }
  try {
    if (command === "backup") {
      const { bytes, tables } = await backupPglite(dataDir, file, { force });
      console.log(`Backed up ${dataDir} to ${file} (${(bytes / 1024 / 1024).toFixed(1)} MB; ${describe(tables)}).`);
    } else {
      const { movedAside, tables } = await restorePglite(file, dataDir, { force });
      if (movedAside) console.log(`Moved the previous database aside to ${movedAside}.`);
      console.log(`Restored ${file} into ${dataDir} (${describe(tables)}). Start the portal to use it.`);
    }
    return 0;
  } catch (error) {
    if (error instanceof BackupError) throw new CliError(error.message);
    throw new CliError(`${command === "backup" ? "Backup" : "Restore"} failed: ${firstLine(error)}`);
  }
}

function describe(tables: Record<string, number>): string {
  return Object.entries(tables)
    .map(([name, n]) => `${n} ${name}`)
    .join(", ");
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split("\n")[0]!;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "help" || command === "--help" || command === "-h") {
    process.stdout.write(HELP);
    return command ? 0 : 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(HELP);
    return 0;
  }
  switch (command) {
    case "create-admin":
      await createAdmin(rest);
      return 0;
    case "create-api-token":
      await createApiTokenCommand(rest);
      return 0;
    case "backup":
    case "restore":
      return backupCommand(command, rest);
    default:
      throw new CliError(`Unknown command "${command}" (see --help).`, 2);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    if (error instanceof CliError) process.stderr.write(`Error: ${error.message}\n`);
    else process.stderr.write(`Error: ${firstLine(error)}\n`);
    process.exit(error instanceof CliError ? error.exitCode : 1);
  },
);
