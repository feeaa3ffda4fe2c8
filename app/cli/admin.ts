/**
 * `npm run admin -- <command>`: administration from the command line.
 *
 *   create-admin --email <e> [--name <n>]   creates an administrator; the password is read from
 *                                           stdin when it is not a terminal, else prompted (hidden).
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
import { hashPassword, MIN_PASSWORD_LENGTH } from "../modules/auth/password.server";

const HELP = `Usage: npm run admin -- <command> [options]

Commands:
  create-admin --email <email> [--name <name>]
      Create an administrator account. The password is read from stdin when stdin is
      not a terminal (e.g. echo "$PASSWORD" | npm run admin -- create-admin --email a@b.c),
      otherwise it is asked for twice at a hidden prompt. At least ${MIN_PASSWORD_LENGTH} characters.
      Refuses an email that already has an account.
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
