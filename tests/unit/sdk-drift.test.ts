/**
 * The committed typed client (app/sdk/openapi.json, app/sdk/schema.d.ts) must be exactly what
 * `npm run sdk` generates from app/modules/api/openapi.ts now: change an operation's schema
 * without regenerating and this fails.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generateSdk, localDocument, sdkFiles } from "../../scripts/sdk";

describe("the generated API client", () => {
  it("is up to date with the OpenAPI document (run `npm run sdk` when this fails)", async () => {
    const out = await generateSdk(localDocument());
    expect(readFileSync(sdkFiles.document, "utf8"), "app/sdk/openapi.json is stale: run npm run sdk").toBe(out.document);
    expect(readFileSync(sdkFiles.schema, "utf8") === out.schema, "app/sdk/schema.d.ts is stale: run npm run sdk").toBe(true);
  });

  it("types every operation of the document", async () => {
    const schema = readFileSync(sdkFiles.schema, "utf8");
    const doc = localDocument() as { paths: Record<string, Record<string, { operationId: string }>> };
    for (const [path, methods] of Object.entries(doc.paths)) {
      expect(schema).toContain(`"${path}": {`);
      for (const op of Object.values(methods)) expect(schema).toContain(`${op.operationId}: {`);
    }
  });
});
