import { fireEvent, render, screen } from "@testing-library/react";
import { useRef } from "react";
import { describe, expect, it, vi } from "vitest";
import { KeyboardShortcuts, useRowCursor } from "~/components/keyboard-shortcuts";

function Queue({ onOpen }: { onOpen: (n: string) => void }) {
  const list = useRef<HTMLUListElement>(null);
  const cursor = useRowCursor(list);
  return (
    <>
      <KeyboardShortcuts
        shortcuts={[
          { keys: "j", description: "Next ticket", run: () => cursor.move(1) },
          { keys: "k", description: "Previous ticket", run: () => cursor.move(-1) },
          { keys: "Enter", description: "Open", run: () => cursor.open() },
        ]}
      />
      <label>
        Search <input />
      </label>
      <ul ref={list}>
        {["1", "2", "3"].map((n) => (
          <li key={n} data-row>
            <a
              href={`#${n}`}
              onClick={(e) => {
                e.preventDefault();
                onOpen(n);
              }}
            >
              Ticket {n}
            </a>
          </li>
        ))}
      </ul>
    </>
  );
}

describe("keyboard shortcuts", () => {
  it("moves through rows with j/k and opens with Enter", () => {
    const onOpen = vi.fn();
    render(<Queue onOpen={onOpen} />);
    fireEvent.keyDown(document.body, { key: "j" });
    fireEvent.keyDown(document.body, { key: "j" });
    expect(screen.getByRole("link", { name: "Ticket 2" })).toHaveFocus();
    fireEvent.keyDown(document.body, { key: "k" });
    expect(screen.getByRole("link", { name: "Ticket 1" })).toHaveFocus();
    fireEvent.keyDown(document.body, { key: "Enter" });
    expect(onOpen).toHaveBeenCalledWith("1");
  });

  it("ignores keys typed into a field", () => {
    const onOpen = vi.fn();
    render(<Queue onOpen={onOpen} />);
    const input = screen.getByLabelText("Search");
    fireEvent.keyDown(input, { key: "j" });
    expect(screen.getByRole("link", { name: "Ticket 1" })).not.toHaveFocus();
  });

  it("lists the shortcuts in a dialog opened by its button", () => {
    render(<Queue onOpen={() => {}} />);
    const button = screen.getByRole("button", { name: /shortcuts/i });
    HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
      this.setAttribute("open", "");
    };
    fireEvent.click(button);
    expect(screen.getByText("Next ticket")).toBeInTheDocument();
    expect(screen.getByText("Show or hide this list")).toBeInTheDocument();
  });
});
