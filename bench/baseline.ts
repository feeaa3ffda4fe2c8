// The baseline of `npm run bench`: a bare node:http server that, for each hot path, runs the very
// SQL statements the page ran (captured from Drizzle's logger by bench/run.ts) with postgres.js and
// answers a template string built from the rows. Write paths run inside a transaction that is
// rolled back, so they can be repeated with the same parameters.
//   tsx bench/baseline.ts <statements.json> <port>
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import postgres from "postgres";

export interface CapturedPath {
  write: boolean;
  statements: { query: string; params: unknown[] }[];
}

const [file, portArg] = process.argv.slice(2);
const paths = JSON.parse(readFileSync(file!, "utf8")) as Record<string, CapturedPath>;
const sql = postgres(process.env.DATABASE_URL!, { max: 10, onnotice: () => {}, idle_timeout: 60 });

const escape = (v: unknown) =>
  String(v instanceof Date ? v.toISOString() : typeof v === "object" && v !== null ? JSON.stringify(v) : v).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

class Rollback extends Error {}

async function run(p: CapturedPath): Promise<string> {
  const parts: string[] = [];
  const exec = async (q: postgres.Sql | postgres.TransactionSql) => {
    for (const s of p.statements) {
      const rows = await q.unsafe(s.query, s.params as never[]);
      parts.push(`<table>${rows.map((r) => `<tr>${Object.values(r).map((v) => `<td>${escape(v)}</td>`).join("")}</tr>`).join("")}</table>`);
    }
  };
  if (p.write) {
    await sql
      .begin(async (tx) => {
        await exec(tx);
        throw new Rollback();
      })
      .catch((e) => {
        if (!(e instanceof Rollback)) throw e;
      });
  } else await exec(sql);
  return `<!doctype html><html><head><title>baseline</title></head><body><main>${parts.join("")}</main></body></html>`;
}

const server = createServer((req, res) => {
  const name = decodeURIComponent((req.url ?? "/").slice(1).split("?")[0]!);
  const p = paths[name];
  if (!p) {
    res.writeHead(404).end("no such path");
    return;
  }
  req.resume();
  run(p).then(
    (html) => res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html),
    (e: Error) => res.writeHead(500).end(e.message),
  );
});
server.listen(Number(portArg), "127.0.0.1", () => console.log("baseline listening"));
const stop = () => server.close(() => void sql.end({ timeout: 2 }).then(() => process.exit(0)));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
