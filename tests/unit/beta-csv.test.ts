import { describe, expect, it } from "vitest";
import { csvCell, neutralizeCell, parseCsv, parseImport, toCsv } from "~/modules/beta/csv";

const owners = new Set(["sales@demo.test"]);

describe("CSV parsing", () => {
  it("reads quotes, doubled quotes, CRLF and a BOM", () => {
    expect(parseCsv('\uFEFFa,b\r\n"x, y","say ""hi"""\r\n\r\n')).toEqual([["a", "b"], ["x, y", 'say "hi"']]);
    expect(parseCsv('a\n"multi\nline"\n')).toEqual([["a"], ["multi\nline"]]);
  });
});

describe("CSV import validation", () => {
  it("refuses a file without the required columns or with unknown ones", () => {
    expect(parseImport("name,owner\nAcme,x", owners).error).toMatch(/lacks the columns company, owner_email/);
    expect(parseImport("company,owner_email,colour\nA,sales@demo.test,red", owners).error).toMatch(/Unknown column: colour/);
    expect(parseImport("", owners).error).toMatch(/empty/);
    expect(parseImport("company,owner_email\n", owners).error).toMatch(/no deals/);
  });
  it("reports every problem of every row with its line number", () => {
    const csv = [
      "company,owner_email,stage,next_step_due,contact_email,lost_reason",
      "Good,sales@demo.test,demo,2026-03-01,,",
      ",nobody@demo.test,onboarded,31/03/2026,not-an-email,",
      "Gone,sales@demo.test,lost,,,",
      "good,sales@demo.test,,,,",
      "Weird,sales@demo.test,lost,,,Aliens",
    ].join("\n");
    const r = parseImport(csv, owners, new Set(["existing"]));
    expect(r.error).toBeNull();
    expect(r.rows.map((x) => x.line)).toEqual([2, 3, 4, 5, 6]);
    expect(r.rows[0]!.errors).toEqual([]);
    expect(r.rows[0]!.data).toMatchObject({ company: "Good", stage: "demo", next_step_due: "2026-03-01" });
    expect(r.rows[1]!.errors).toEqual(
      expect.arrayContaining([
        "company is empty",
        expect.stringMatching(/onboarded cannot be imported/),
        expect.stringMatching(/next_step_due must be a date/),
        "contact_email is not an email address",
        "owner_email nobody@demo.test is not a sales or admin user",
      ]),
    );
    expect(r.rows[2]!.errors).toEqual(["lost_reason is required for stage lost"]);
    expect(r.rows[3]!.errors).toEqual(["company good appears twice in the file"]);
    expect(r.rows[4]!.errors[0]).toMatch(/lost_reason must be one of/);
  });
  it("refuses a company already in the program", () => {
    expect(parseImport("company,owner_email\nExisting,sales@demo.test", owners, new Set(["existing"])).rows[0]!.errors).toEqual(["company Existing is already in the program"]);
  });
});

describe("CSV export", () => {
  it("neutralizes formula-looking cells and quotes what needs quoting", () => {
    expect(["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "plain"].map(neutralizeCell)).toEqual(["'=1+1", "'+1", "'-2", "'@SUM(A1)", "'\tx", "plain"]);
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell(null)).toBe("");
    expect(toCsv(["a", "b"], [["1,2", new Date(0)]])).toBe('a,b\r\n"1,2",1970-01-01T00:00:00.000Z\r\n');
  });
});
