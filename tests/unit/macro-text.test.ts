import { describe, expect, it } from "vitest";
import { renderMacro, unknownPlaceholders } from "~/modules/tickets/macro-text";
import { normalizeTags } from "~/modules/tickets/filters";
import { attachmentProblem, customerMayReopen, prioritiesForPlan, safeFileName } from "~/modules/tickets/model";

const ctx = {
  requester: { name: "Alice Anders", email: "alice@acme.test" },
  organization: { name: "Acme" },
  ticket: { number: 42, subject: "Export fails" },
  agent: { name: "Sam Agent" },
};

describe("macros", () => {
  it("fills placeholders and leaves unknown ones visible", () => {
    expect(renderMacro("Hi {{requester.first_name}}, about #{{ticket.number}} ({{ organization.name }}). {{agent.first_name}} {{nope}}", ctx)).toBe(
      "Hi Alice, about #42 (Acme). Sam {{nope}}",
    );
    expect(unknownPlaceholders("{{requester.name}} {{nope}} {{nope}}")).toEqual(["nope"]);
  });
});

describe("ticket rules", () => {
  it("normalizes tags", () => {
    expect(normalizeTags("VIP, vip  Export!,<b>x</b>")).toEqual(["vip", "export", "bxb"]);
    expect(normalizeTags(Array.from({ length: 30 }, (_, i) => `t${i}`))).toHaveLength(20);
  });
  it("offers urgent to enterprise and beta plans only", () => {
    expect(prioritiesForPlan("standard")).not.toContain("urgent");
    expect(prioritiesForPlan("enterprise")).toContain("urgent");
    expect(prioritiesForPlan("beta")).toContain("urgent");
  });
  it("allows reopening within 14 days of solving", () => {
    const solvedAt = new Date("2026-01-01T00:00:00Z");
    expect(customerMayReopen({ status: "solved", solvedAt }, new Date("2026-01-15T00:00:00Z"))).toBe(true);
    expect(customerMayReopen({ status: "solved", solvedAt }, new Date("2026-01-15T00:00:01Z"))).toBe(false);
    expect(customerMayReopen({ status: "closed", solvedAt }, new Date("2026-01-02T00:00:00Z"))).toBe(false);
  });
  it("checks attachment types by both MIME type and extension, and size", () => {
    expect(attachmentProblem({ name: "a.png", type: "image/png", size: 10 })).toBeNull();
    expect(attachmentProblem({ name: "a.html", type: "text/html", size: 10 })).toMatch(/only images/);
    expect(attachmentProblem({ name: "a.png.html", type: "image/png", size: 10 })).toMatch(/only images/);
    expect(attachmentProblem({ name: "a.svg", type: "image/svg+xml", size: 10 })).toMatch(/only images/);
    expect(attachmentProblem({ name: "big.pdf", type: "application/pdf", size: 11 * 1024 * 1024 })).toMatch(/10 MB/);
    expect(safeFileName('../../etc/"pass\r\nwd"')).toBe("_.._etc__pass__wd_");
  });
});
