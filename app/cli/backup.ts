/**
 * Backup and restore of the embedded PGlite database (`npm run admin -- backup|restore`).
 *
 * A backup is PGlite's own `dumpDataDir()`: a gzipped tarball of the whole data directory,
 * taken through a running PGlite instance (so it is consistent) while no server holds the
 * directory. A restore unpacks it into a new directory beside the target, checks that it opens
 * as a portal database, and only then moves it into place: a bad file never leaves a
 * half-written data directory behind.
 *
 * With DATABASE_URL (PostgreSQL) these commands only print the pg_dump / pg_restore commands
 * to use (docs/operations.md).
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { sql } from "drizzle-orm";
import { createDatabase, rowsOf } from "../../db/client";

export class BackupError extends Error {}

/** PGlite writes postmaster.pid while a process has the directory open and removes it on close. */
export function pgliteInUse(dataDir: string): boolean {
  return existsSync(join(dataDir, "postmaster.pid"));
}

function isEmptyDir(dir: string): boolean {
  return !existsSync(dir) || (statSync(dir).isDirectory() && readdirSync(dir).length === 0);
}

const IN_USE =
  "looks open in another process (its postmaster.pid exists): stop the web server and any worker first. " +
  "If nothing runs (a crash left the file behind), repeat with --force.";

/** Writes a backup of the PGlite directory `dataDir` to `file`; returns its size in bytes. */
export async function backupPglite(dataDir: string, file: string, options: { force?: boolean } = {}): Promise<{ bytes: number; tables: Record<string, number> }> {
  if (!existsSync(join(dataDir, "PG_VERSION"))) throw new BackupError(`There is no PGlite database in ${dataDir} (set PGLITE_DIR to the directory the server uses).`);
  if (pgliteInUse(dataDir) && !options.force) throw new BackupError(`The database in ${dataDir} ${IN_USE}`);
  if (existsSync(file) && !options.force) throw new BackupError(`${file} already exists. Choose another file name, or repeat with --force to replace it.`);
  if (!existsSync(dirname(resolve(file)))) throw new BackupError(`The directory of ${file} does not exist.`);
  const handle = await createDatabase({ dataDir });
  try {
    const tables = await countRows(handle.db);
    const dump = await handle.pglite!.dumpDataDir("gzip");
    const bytes = Buffer.from(await dump.arrayBuffer());
    const partial = `${file}.partial`;
    writeFileSync(partial, bytes, { mode: 0o600 });
    renameSync(partial, file);
    return { bytes: bytes.length, tables };
  } finally {
    await handle.close();
  }
}

/**
 * Restores `file` into `dataDir`, which must be empty or absent (with `force`, an existing
 * directory is moved aside to `<dir>.before-restore-<time>`, never deleted).
 */
export async function restorePglite(
  file: string,
  dataDir: string,
  options: { force?: boolean; stamp?: string } = {},
): Promise<{ movedAside: string | null; tables: Record<string, number> }> {
  if (!existsSync(file) || !statSync(file).isFile()) throw new BackupError(`There is no backup file ${file}.`);
  const target = resolve(dataDir);
  if (!isEmptyDir(target)) {
    if (!statSync(target).isDirectory()) throw new BackupError(`${dataDir} exists and is not a directory.`);
    if (!options.force && pgliteInUse(target)) throw new BackupError(`The database in ${dataDir} ${IN_USE}`);
    if (!options.force) {
      throw new BackupError(
        `${dataDir} is not empty: restore into a fresh directory (PGLITE_DIR=<new dir> npm run admin -- restore ${file}), ` +
          `or repeat with --force to move the current database aside first.`,
      );
    }
  }
  const bytes = readFileSync(file);
  const gzip = bytes[0] === 0x1f && bytes[1] === 0x8b;
  const staging = join(dirname(target), `.${basename(target)}.restoring-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  let tables: Record<string, number>;
  try {
    const handle = await createDatabase({
      dataDir: staging,
      loadDataDir: new File([bytes], gzip ? "backup.tar.gz" : "backup.tar", { type: gzip ? "application/x-gzip" : "application/x-tar" }),
    }).catch((error: unknown) => {
      throw new BackupError(`${file} is not a PGlite backup of this portal (${String((error as Error)?.message ?? error).split("\n")[0]}).`);
    });
    try {
      tables = await countRows(handle.db);
    } finally {
      await handle.close();
    }
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  let movedAside: string | null = null;
  if (existsSync(target)) {
    if (readdirSync(target).length === 0) rmSync(target, { recursive: true });
    else {
      movedAside = `${target}.before-restore-${options.stamp ?? new Date().toISOString().replace(/[-:]/g, "").replace(/\..*$/, "")}`;
      renameSync(target, movedAside);
    }
  }
  renameSync(staging, target);
  return { movedAside, tables };
}

/** A few row counts, to show what a backup holds (and to prove a restore opens). */
async function countRows(db: Awaited<ReturnType<typeof createDatabase>>["db"]): Promise<Record<string, number>> {
  const [migrated] = rowsOf<{ ok: boolean | string }>(await db.execute(sql`select to_regclass('public.users') is not null as ok`));
  if (!(migrated?.ok === true || migrated?.ok === "t")) throw new BackupError("The database holds no portal data (no users table).");
  const [row] = rowsOf<Record<string, unknown>>(
    await db.execute(sql`select (select count(*) from users) as users, (select count(*) from organizations) as organizations, (select count(*) from tickets) as tickets`),
  );
  return Object.fromEntries(Object.entries(row ?? {}).map(([k, v]) => [k, Number(v)]));
}

/** What to run instead on PostgreSQL (printed by the CLI, documented in docs/operations.md). */
export function postgresBackupHelp(command: "backup" | "restore", file: string): string {
  const f = JSON.stringify(file);
  return command === "backup"
    ? [
        "DATABASE_URL is set: this portal runs on PostgreSQL, which you back up with pg_dump (a consistent",
        "snapshot, safe while the portal runs):",
        "",
        `  pg_dump --format=custom --no-owner --file=${f} "$DATABASE_URL"`,
        "",
        "Nothing was written. See docs/operations.md.",
        "",
      ].join("\n")
    : [
        "DATABASE_URL is set: this portal runs on PostgreSQL, which you restore with pg_restore into an",
        "empty database (stop the portal and workers first):",
        "",
        "  createdb portal_restored",
        `  pg_restore --no-owner --exit-on-error --dbname=postgres://USER@HOST:5432/portal_restored ${f}`,
        "",
        "then point DATABASE_URL at portal_restored and start the portal (pending migrations run at",
        "start-up). Nothing was changed. See docs/operations.md.",
        "",
      ].join("\n");
}
