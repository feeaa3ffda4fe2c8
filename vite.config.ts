import { reactRouter } from "@react-router/dev/vite";
import { defineConfig } from "vite";
import { fileURLToPath } from "node:url";

// The SSR build bundles the whole HTTP application (app/server/app.ts): express,
// the React Router request handler, the database handle and the job runner share
// one module graph, so there is exactly one database connection per process.
export default defineConfig(({ isSsrBuild }) => ({
  resolve: {
    alias: { "~": fileURLToPath(new URL("./app", import.meta.url)) },
  },
  build: {
    rollupOptions: isSsrBuild ? { input: "./app/server/app.ts" } : undefined,
  },
  ssr: {
    external: ["@node-rs/argon2", "@electric-sql/pglite", "postgres", "drizzle-orm", "resend", "express", "compression"],
  },
  optimizeDeps: {
    exclude: ["@node-rs/argon2", "@electric-sql/pglite", "postgres", "drizzle-orm"],
  },
  plugins: [reactRouter()],
}));
