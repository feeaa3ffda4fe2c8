// `npm start` and `npm run worker`: run the compiled server (build/start.js, bundled from
// server.ts by `npm run build`) with plain `node`, building first when the build is missing or
// older than the sources. Plain JavaScript on purpose: running production through tsx's loader
// hooks kept ~80 MB more resident memory (docs/performance.md, "Memory").
/* global console, process */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const root = resolve(import.meta.dirname, "..");
const outputs = ["build/start.js", "build/server/index.js"].map((file) => join(root, file));
const sources = ["app", "db", "server.ts", "vite.config.ts", "react-router.config.ts", "package.json"].map((file) => join(root, file));

/** The newest modification time under a file or directory (0 when it does not exist). */
function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

const builtAt = Math.min(...outputs.map((file) => (existsSync(file) ? statSync(file).mtimeMs : 0)));
if (builtAt < Math.max(...sources.map(newestMtime))) {
  console.log(builtAt ? "Sources changed since the last build: rebuilding…" : "Building the portal (first start)…");
  // npm sets npm_execpath when it runs this script; `npm run build` is the one definition of a build.
  const npm = process.env.npm_execpath;
  const [command, args] = npm ? [process.execPath, [npm, "run", "build"]] : ["npm", ["run", "build"]];
  execFileSync(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
}

await import(pathToFileURL(outputs[0]).href);
