import { describe, expect, it } from "vitest";
import { z as zod } from "zod";
import { parseForm as parseAnyForm } from "~/lib/forms";


describe("parseForm with repeated fields", () => {
  it("reads a value repeated as is as one value, and different values as a list", () => {
    const form = new FormData();
    form.append("intent", "solve");
    form.append("intent", "solve");
    form.append("status", "open");
    form.append("status", "pending");
    const parsed = parseAnyForm(form, zod.object({ intent: zod.literal("solve"), status: zod.array(zod.string()) }));
    expect(parsed.success && parsed.data).toEqual({ intent: "solve", status: ["open", "pending"] });
  });
});
