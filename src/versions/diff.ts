/**
 * A readable diff of two agent snapshots: one entry per changed field; text fields with several
 * lines as a line diff (the `diff` package), everything else as before → after in JSON.
 */
import { diffLines } from "diff";

export type FieldChange =
  | { field: string; kind: "value"; before: string; after: string }
  | { field: string; kind: "lines"; lines: { op: "+" | "-" | " "; text: string }[] };

const show = (v: unknown) => (v === null || v === undefined ? "(none)" : typeof v === "string" ? v : JSON.stringify(v));
const multiline = (v: unknown) => typeof v === "string" && (v.includes("\n") || v.length > 120);

export function diffSnapshots(before: Record<string, unknown> | null, after: Record<string, unknown>): FieldChange[] {
  const out: FieldChange[] = [];
  for (const field of Object.keys(after)) {
    const a = before?.[field];
    const b = after[field];
    if (JSON.stringify(a ?? null) === JSON.stringify(b ?? null) || (a && b && Bun.deepEquals(a, b))) continue;
    if ((multiline(a) || multiline(b)) && (typeof a === "string" || a == null) && typeof b === "string") {
      const lines: { op: "+" | "-" | " "; text: string }[] = [];
      for (const part of diffLines(typeof a === "string" ? a : "", b)) {
        const op = part.added ? "+" : part.removed ? "-" : " ";
        for (const text of part.value.replace(/\n$/, "").split("\n")) lines.push({ op, text });
      }
      out.push({ field, kind: "lines", lines });
    } else out.push({ field, kind: "value", before: show(a), after: show(b) });
  }
  return out;
}
