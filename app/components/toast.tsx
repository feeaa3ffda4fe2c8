import { useEffect, useRef, useState } from "react";
import type { Toast as ToastData } from "~/lib/toast";

const VISIBLE_MS = 8000;

/**
 * The toast after an action: announced politely to screen readers, dismissable, and gone after a
 * few seconds — unless the pointer or focus is on it. Without JavaScript it stays as a banner.
 */
export function Toast({ toast }: { toast: ToastData | null }) {
  const [hidden, setHidden] = useState<string | null>(null);
  const [held, setHeld] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const id = toast?.id ?? null;
  useEffect(() => {
    if (!id || held) return;
    const timer = window.setTimeout(() => setHidden(id), VISIBLE_MS);
    return () => window.clearTimeout(timer);
  }, [id, held]);
  if (!toast || hidden === toast.id) return null;
  return (
    <div
      ref={ref}
      className={`toast toast-${toast.kind}`}
      role={toast.kind === "error" ? "alert" : "status"}
      onMouseEnter={() => setHeld(true)}
      onMouseLeave={() => setHeld(false)}
      onFocus={() => setHeld(true)}
      onBlur={(e) => {
        if (!ref.current?.contains(e.relatedTarget as Node | null)) setHeld(false);
      }}
    >
      <span className="toast-icon" aria-hidden="true">
        {toast.kind === "error" ? "!" : "✓"}
      </span>
      <span className="toast-message">{toast.message}</span>
      <button type="button" className="toast-close" aria-label="Dismiss notification" onClick={() => setHidden(toast.id)}>
        ×
      </button>
    </div>
  );
}
