import type { ReactNode } from "react";

/**
 * A column header: its text, or the text with options. `numeric` right-aligns the column (the
 * `num` class); `hiddenLabel` keeps the header for screen readers only (action columns).
 */
export type DataTableColumn = string | { label: ReactNode; numeric?: boolean; hiddenLabel?: boolean };

type DataTableProps<Row> = {
  /** Read by screen readers to name the table; visually hidden unless `showCaption`. */
  caption?: ReactNode;
  showCaption?: boolean;
  /** `false`/`null` entries are left out, for columns shown only in some views. */
  columns: readonly (DataTableColumn | false | null)[];
  rows: readonly Row[];
  /** One `<tr>` per row (give it a key). */
  row: (row: Row, index: number) => ReactNode;
  /** Shown instead of the table when there are no rows: a sentence (rendered muted) or an element. */
  empty?: ReactNode;
  /** Extra table classes, e.g. "small". */
  className?: string;
};

/** The scrollable list table used across the admin, account and desk screens. */
export function DataTable<Row>({ caption, showCaption = false, columns, rows, row, empty, className }: DataTableProps<Row>) {
  if (rows.length === 0 && empty !== undefined) {
    return typeof empty === "string" ? <p className="muted">{empty}</p> : <>{empty}</>;
  }
  return (
    <div className="table-wrap">
      <table className={className ? `table ${className}` : "table"}>
        {caption !== undefined ? <caption className={showCaption ? undefined : "visually-hidden"}>{caption}</caption> : null}
        <thead>
          <tr>
            {columns.filter((column) => column !== false && column !== null).map((column, i) => {
              const c = typeof column === "string" ? { label: column } : column;
              return (
                <th key={i} scope="col" className={c.numeric ? "num" : undefined}>
                  {c.hiddenLabel ? <span className="visually-hidden">{c.label}</span> : c.label}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>{rows.map(row)}</tbody>
      </table>
    </div>
  );
}
