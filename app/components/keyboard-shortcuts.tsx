import { useEffect, useRef, useState } from "react";

export interface Shortcut {
  keys: string;
  description: string;
  run: () => void;
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
}

/**
 * Single-key shortcuts for a page, plus "?" for a dialog that lists them. Keys are ignored
 * while the user types in a field or holds a modifier, so they never steal text input.
 */
export function KeyboardShortcuts({ shortcuts, title = "Keyboard shortcuts" }: { shortcuts: Shortcut[]; title?: string }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const latest = useRef(shortcuts);
  latest.current = shortcuts;
  const [open, setOpen] = useState(false);

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.defaultPrevented || event.metaKey || event.ctrlKey || event.altKey || isTyping(event.target)) return;
      // Enter on a focused button or link keeps its native meaning.
      if (event.key === "Enter" && event.target instanceof HTMLElement && (event.target.tagName === "BUTTON" || event.target.tagName === "A")) return;
      if (event.key === "?") {
        event.preventDefault();
        if (dialog.current?.open) dialog.current.close();
        else dialog.current?.showModal();
        setOpen(!!dialog.current?.open);
        return;
      }
      const match = latest.current.find((s) => s.keys === event.key);
      if (match) {
        event.preventDefault();
        match.run();
      }
    }
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  return (
    <>
      <button type="button" className="btn btn-ghost btn-sm shortcut-hint" aria-haspopup="dialog" aria-expanded={open} onClick={() => {
        dialog.current?.showModal();
        setOpen(true);
      }}>
        Shortcuts <kbd>?</kbd>
      </button>
      <dialog ref={dialog} className="dialog" aria-labelledby="shortcuts-title" onClose={() => setOpen(false)}>
        <h2 id="shortcuts-title">{title}</h2>
        <table className="table">
          <tbody>
            {[...shortcuts, { keys: "?", description: "Show or hide this list" }].map((s) => (
              <tr key={s.keys}>
                <td>
                  <kbd>{s.keys === " " ? "Space" : s.keys}</kbd>
                </td>
                <td>{s.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <form method="dialog" className="actions">
          <button type="submit" className="btn">
            Close
          </button>
        </form>
      </dialog>
    </>
  );
}

/** j/k row navigation for a list of links (rows marked with data-row). */
export function useRowCursor(container: React.RefObject<HTMLElement | null>) {
  const [index, setIndex] = useState(-1);
  const rows = () => Array.from(container.current?.querySelectorAll<HTMLElement>("[data-row]") ?? []);
  const move = (delta: number) => {
    const all = rows();
    if (!all.length) return;
    const next = Math.max(0, Math.min(all.length - 1, (index < 0 ? (delta > 0 ? -1 : all.length) : index) + delta));
    all.forEach((row, i) => row.toggleAttribute("data-current", i === next));
    all[next]!.querySelector<HTMLElement>("a")?.focus();
    setIndex(next);
  };
  const open = () => {
    const all = rows();
    const current = all[index] ?? all[0];
    current?.querySelector<HTMLAnchorElement>("a")?.click();
  };
  return { move, open };
}
