/**
 * CSV for imports and exports. Pure.
 *
 * Exports are safe to open in a spreadsheet: a cell that starts like a formula is neutralized
 * (OWASP "CSV injection"), and every field that needs it is quoted (RFC 4180, CRLF rows).
 */

/** RFC 4180 parsing: quoted fields, doubled quotes, CRLF or LF; a trailing empty line is ignored. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  const src = text.replace(/^\uFEFF/, "");
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (quoted) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && src[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((f) => f.trim() !== ""));
}

/**
 * A cell a spreadsheet would run as a formula (= + - @, or a leading tab/CR) is prefixed with
 * an apostrophe, so an exported company name such as `=HYPERLINK(...)` stays text.
 */
export function neutralizeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function csvCell(value: unknown): string {
  const s = neutralizeCell(value === null || value === undefined ? "" : value instanceof Date ? value.toISOString() : String(value));
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function toCsv(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
}
