/**
 * A development trace of the embedded database, for profiling (issue 11): every protocol message
 * PGlite executes, with the wall-clock instant it started and the time it held the JS thread,
 * appended to a file. Off unless KONSTRUCT_TRACE_SQL names the file; `bench:pipeline --scenario
 * conversation --trace-sql` turns it on and reads it back with `summariseTrace`.
 *
 * Invariant: no value ever reaches the file. Statement texts are cut at their first quote or dollar
 * quote, and an EXECUTE at its argument list (the plan cache inlines parameters as literals there,
 * and one may hold a user's message or a secret); bind messages are written as their type letter only.
 */
import { appendFileSync } from "node:fs";
import type { PGlite } from "@electric-sql/pglite";

type RawSync = (message: Uint8Array) => Uint8Array;

const traced = new WeakSet<PGlite>();

/**
 * Wraps `pg`'s synchronous executor; lines are flushed every 250 ms and when the process exits.
 * Returns a stop that flushes and unwraps. A trace that cannot be written stops itself: it is an aid,
 * and must never fail a statement or the process.
 */
export function traceStatements(pg: PGlite, file: string): () => void {
  if (traced.has(pg)) return () => {};
  traced.add(pg);
  const target = pg as unknown as { execProtocolRawSync: RawSync };
  const original = target.execProtocolRawSync;
  const run = original.bind(pg);
  const decoder = new TextDecoder();
  let lines: string[] = [];
  const flush = () => {
    try {
      if (lines.length) appendFileSync(file, lines.join(""));
    } catch {
      stop();
    }
    lines = [];
  };
  const timer = setInterval(flush, 250);
  timer.unref();
  process.on("exit", flush);
  target.execProtocolRawSync = (message) => {
    const t0 = performance.now();
    const out = run(message);
    lines.push(`${(performance.timeOrigin + t0).toFixed(2)} ${(performance.now() - t0).toFixed(3)} ${describe(message, decoder)}\n`);
    return out;
  };
  function stop() {
    clearInterval(timer);
    process.off("exit", flush);
    target.execProtocolRawSync = original;
    traced.delete(pg);
  }
  return () => {
    flush();
    stop();
  };
}

/** The message's type letter, and for a query or a parse its text up to its first value. */
function describe(message: Uint8Array, decoder: TextDecoder): string {
  const type = String.fromCharCode(message[0] ?? 63);
  if (type !== "Q" && type !== "P") return type;
  // Q: type, length, text. P: type, length, statement name (NUL-ended), text.
  let from = 5;
  if (type === "P") while (from < message.length && message[from] !== 0) from++;
  const text = decoder.decode(message.subarray(type === "P" ? from + 1 : from, Math.min(message.length, from + 400)));
  // An EXECUTE's argument list is all values (quoted or not): only the statement's name is kept.
  // Elsewhere a value starts at a quote, or at a dollar quote (`$$`, `$tag$`; `$1` is a parameter).
  const head = /^\s*execute\s/i.test(text) ? text.split("(")[0]! : text.split(/'|\$(?!\d)/)[0]!;
  return `${type} ${head.replace(/\0/g, "").replace(/\s+/g, " ").trim()}`;
}

export interface TraceSummary {
  /** Statements run: simple queries and extended-protocol executes. */
  statements: number;
  /** Time the database held the JS thread, all messages counted. */
  ms: number;
  /** Per statement text, most time first. */
  byStatement: { text: string; n: number; ms: number; p50: number; p90: number }[];
}

/** The trace's lines that started within [from, to] (epoch ms), grouped by statement. */
export function summariseTrace(trace: string, from = 0, to = Number.POSITIVE_INFINITY): TraceSummary {
  const prepared = new Map<string, string>();
  const groups = new Map<string, number[]>();
  let statements = 0;
  let ms = 0;
  // Extended protocol: parse, describe and bind come before their execute, sync after it; they are
  // that statement's cost. `parsed` is the text the next execute runs.
  let pending = 0;
  let parsed = "(extended protocol)";
  let last: number[] | null = null;
  for (const line of trace.split("\n")) {
    const m = /^(\S+) (\S+) (\S)(?: (.*))?$/.exec(line);
    if (!m) continue;
    const [, atText, durText, type, text = ""] = m;
    const prepare = /^prepare (\S+) as (.*)$/.exec(text);
    if (prepare) prepared.set(prepare[1]!, prepare[2]!);
    if (type === "P") parsed = text || parsed;
    const at = Number(atText);
    if (at < from || at > to) continue;
    const dur = Number(durText);
    ms += dur;
    if (type === "S" && last?.length) {
      last[last.length - 1]! += dur;
      continue;
    }
    if (type !== "Q" && type !== "E") {
      pending += dur;
      continue;
    }
    statements++;
    const exec = /^execute ([A-Za-z0-9_]+)/.exec(text);
    const key = (type === "E" ? parsed : exec ? (prepared.get(exec[1]!) ?? text) : text).slice(0, 90);
    last = groups.get(key) ?? [];
    last.push(dur + pending);
    pending = 0;
    groups.set(key, last);
  }
  const byStatement = [...groups].map(([text, xs]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
    return { text, n: xs.length, ms: xs.reduce((a, b) => a + b, 0), p50: at(50), p90: at(90) };
  });
  return { statements, ms, byStatement: byStatement.sort((a, b) => b.ms - a.ms) };
}
