import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { DataTable } from "~/components/data-table";

const rows = [
  { id: "a", name: "Acme", members: 12 },
  { id: "b", name: "Globex", members: 3 },
];

function Orgs({ list, withDomain = false }: { list: typeof rows; withDomain?: boolean }) {
  return (
    <DataTable
      caption="Organizations"
      columns={["Name", withDomain && "Domain", { label: "Members", numeric: true }, { label: "Actions", hiddenLabel: true }]}
      rows={list}
      empty="No organizations yet."
      row={(o) => (
        <tr key={o.id}>
          <td>{o.name}</td>
          {withDomain ? <td>{o.id}.test</td> : null}
          <td className="num">{o.members}</td>
          <td>
            <button type="button">Edit {o.name}</button>
          </td>
        </tr>
      )}
    />
  );
}

describe("DataTable", () => {
  it("names the table by its caption and gives every column a header", () => {
    render(<Orgs list={rows} />);
    const table = screen.getByRole("table", { name: "Organizations" });
    const headers = within(table).getAllByRole("columnheader");
    expect(headers.map((h) => h.textContent)).toEqual(["Name", "Members", "Actions"]);
    expect(headers[1]).toHaveClass("num");
    // The action column's header is there for screen readers, not on screen.
    expect(within(headers[2]!).getByText("Actions")).toHaveClass("visually-hidden");
    expect(within(table).getAllByRole("row")).toHaveLength(3);
    expect(within(table).getByRole("cell", { name: "Globex" })).toBeInTheDocument();
  });

  it("leaves out columns switched off for the view", () => {
    render(<Orgs list={rows} withDomain />);
    expect(screen.getAllByRole("columnheader").map((h) => h.textContent)).toEqual(["Name", "Domain", "Members", "Actions"]);
  });

  it("shows the empty message instead of a table without rows", () => {
    render(<Orgs list={[]} />);
    expect(screen.queryByRole("table")).not.toBeInTheDocument();
    expect(screen.getByText("No organizations yet.")).toHaveClass("muted");
  });

  it("renders an empty table when no empty message is given", () => {
    render(<DataTable caption="Sessions" columns={["Device"]} rows={[] as string[]} row={(r) => <tr key={r} />} />);
    expect(screen.getByRole("table", { name: "Sessions" })).toBeInTheDocument();
  });
});
