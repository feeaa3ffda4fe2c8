/**
 * A line diff (longest common subsequence) for the revision view. Pure. Revisions are help
 * articles of at most a few hundred lines, so the O(n·m) table is small; a common prefix and
 * suffix are trimmed first so typical edits cost far less. (The `diff` npm package would do
 * the same job; this keeps a dependency out for ~40 lines.)
 */
export type DiffLine = { type: "same" | "added" | "removed"; text: string; oldNumber: number | null; newNumber: number | null };

const MAX_CELLS = 4_000_000;

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
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const out: DiffLine[] = [];
  for (let i = 0; i < start; i++) out.push({ type: "same", text: a[i]!, oldNumber: i + 1, newNumber: i + 1 });
  let oldNo = start;
  let newNo = start;
  const push = (type: DiffLine["type"], text: string) => {
    if (type !== "added") oldNo++;
    if (type !== "removed") newNo++;
    out.push({ type, text, oldNumber: type === "added" ? null : oldNo, newNumber: type === "removed" ? null : newNo });
  };
  if ((midA.length + 1) * (midB.length + 1) > MAX_CELLS) {
    // Too large to align: show the middle as replaced.
    for (const line of midA) push("removed", line);
    for (const line of midB) push("added", line);
  } else {
    const n = midA.length;
    const m = midB.length;
    const w = m + 1;
    const table = new Uint32Array((n + 1) * w);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        table[i * w + j] = midA[i] === midB[j] ? table[(i + 1) * w + j + 1]! + 1 : Math.max(table[(i + 1) * w + j]!, table[i * w + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (midA[i] === midB[j]) {
        push("same", midA[i]!);
        i++;
        j++;
      } else if (table[(i + 1) * w + j]! >= table[i * w + j + 1]!) {
        push("removed", midA[i++]!);
      } else {
        push("added", midB[j++]!);
      }
    }
    while (i < n) push("removed", midA[i++]!);
    while (j < m) push("added", midB[j++]!);
  }
  for (let k = endA; k < a.length; k++) push("same", a[k]!);
  return out;
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
