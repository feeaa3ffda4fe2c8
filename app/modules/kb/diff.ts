/**
 * A line diff for the revision view, pure: Myers' O((N+M)·D) algorithm, so an edit of a few
 * lines in a long article costs little. A common prefix and suffix are trimmed first; when
 * the texts differ in more than MAX_EDITS lines the middle is shown as replaced. (The `diff`
 * npm package does the same job; this keeps a dependency out for ~80 lines.)
 */
export type DiffLine = { type: "same" | "added" | "removed"; text: string; oldNumber: number | null; newNumber: number | null };

const MAX_EDITS = 2000;

export function diffLines(before: string, after: string): DiffLine[] {
  const a = splitLines(before);
  const b = splitLines(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const out: DiffLine[] = [];
  let oldNo = 0;
  let newNo = 0;
  const push = (type: DiffLine["type"], text: string) => {
    if (type !== "added") oldNo++;
    if (type !== "removed") newNo++;
    out.push({ type, text, oldNumber: type === "added" ? null : oldNo, newNumber: type === "removed" ? null : newNo });
  };
  for (let i = 0; i < start; i++) push("same", a[i]!);
  const ops = myers(a.slice(start, endA), b.slice(start, endB));
  if (ops) {
    for (const [type, text] of ops) push(type, text);
  } else {
    for (let i = start; i < endA; i++) push("removed", a[i]!);
    for (let j = start; j < endB; j++) push("added", b[j]!);
  }
  for (let k = endA; k < a.length; k++) push("same", a[k]!);
  return out;
}

/** Shortest edit script from a to b, or null when it needs more than MAX_EDITS edits. */
function myers(a: string[], b: string[]): [DiffLine["type"], string][] | null {
  const n = a.length;
  const m = b.length;
  if (n === 0) return b.map((t) => ["added", t]);
  if (m === 0) return a.map((t) => ["removed", t]);
  const max = Math.min(n + m, MAX_EDITS);
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    const next = v;
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, a, b, d, offset);
    }
    v = next;
  }
  return null;
}

function backtrack(trace: Int32Array[], a: string[], b: string[], dEnd: number, offset: number): [DiffLine["type"], string][] {
  const ops: [DiffLine["type"], string][] = [];
  let x = a.length;
  let y = b.length;
  for (let d = dEnd; d > 0; d--) {
    const v = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? k + 1 : k - 1;
    const prevX = v[offset + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push(["same", a[--x]!]);
      y--;
    }
    if (x === prevX) ops.push(["added", b[--y]!]);
    else ops.push(["removed", a[--x]!]);
  }
  while (x > 0 && y > 0) {
    ops.push(["same", a[--x]!]);
    y--;
  }
  return ops.reverse();
}

function splitLines(text: string): string[] {
  if (text === "") return [];
  return text.replace(/\r\n?/g, "\n").split("\n");
}

export function diffStats(lines: DiffLine[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const l of lines) {
    if (l.type === "added") added++;
    else if (l.type === "removed") removed++;
  }
  return { added, removed };
}
