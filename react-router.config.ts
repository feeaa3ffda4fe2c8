import type { Config } from "@react-router/dev/config";

export default {
  ssr: true,
  appDirectory: "app",
  buildDirectory: "build",
  future: {
    // Loaders and actions get the HTTP request itself instead of two copies per handler (with the
    // `.data` suffix and the `_routes`/`index` parameters stripped). Handlers read the address from
    // their `url` argument (normalized), never from `request.url` (raw: `/page.data?_routes=…`).
    v8_passThroughRequests: true,
  },
} satisfies Config;
