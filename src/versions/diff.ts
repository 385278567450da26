/**
 * A readable diff of two agent snapshots: one entry per changed field; text fields with several
 * lines as a line diff (the `diff` package), everything else as before → after in JSON. A credential
 * (a key starting "secret ", holding a fingerprint) is only ever "set", "changed" or "removed".
 */
import { diffLines } from "diff";
import { SECRET_PREFIX } from "./channel.ts";

export type FieldChange =
  | { field: string; kind: "value"; before: string; after: string }
  | { field: string; kind: "lines"; lines: { op: "+" | "-" | " "; text: string }[] };

const show = (v: unknown) => (v === null || v === undefined ? "(none)" : typeof v === "string" ? v : JSON.stringify(v));
const multiline = (v: unknown) => typeof v === "string" && (v.includes("\n") || v.length > 120);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A record inside a snapshot (a channel's settings, a heartbeat) is compared key by key: "settings.groups". */
export function diffSnapshots(before: Record<string, unknown> | null, after: Record<string, unknown>, prefix = ""): FieldChange[] {
  const out: FieldChange[] = [];
  for (const key of Object.keys(after)) {
    const field = prefix + key;
    const a = before?.[key];
    const b = after[key];
    if (isRecord(b) && (isRecord(a) || a == null) && !prefix) {
      out.push(...diffSnapshots(isRecord(a) ? a : null, b, `${field}.`));
      continue;
    }
    if (JSON.stringify(a ?? null) === JSON.stringify(b ?? null) || (a && b && Bun.deepEquals(a, b))) continue;
    if (field.startsWith(SECRET_PREFIX)) {
      out.push({ field, kind: "value", before: a ? "set" : "(none)", after: b ? (a ? "changed" : "set") : "removed" });
      continue;
    }
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
