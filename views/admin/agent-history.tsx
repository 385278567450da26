/** @jsxImportSource @kitajs/html */
/** An AI employee's History: versions newest first (who, when, source), each with its diff to the one before. */
import type { AgentVersion } from "../../src/db/schema/index.ts";
import type { FieldChange } from "../../src/versions/diff.ts";
import { Csrf, Flash } from "./form.tsx";

export interface HistoryEntry {
  version: Pick<AgentVersion, "version" | "author" | "createdAt"> & { source: string };
  changes: FieldChange[];
}

/** One version: who, when, how; its diff to the one before; "Roll back" unless it is current. */
export function VersionEntry(p: { csrf: string; entry: HistoryEntry; current: number; rollback: string }): JSX.Element {
  const v = p.entry.version;
  return (
    <article class="version" id={`v${v.version}`}>
      <h2 safe>{`Version ${v.version}${v.version === p.current ? " (current)" : ""}`}</h2>
      <p class="muted" safe>{`${v.author} · ${v.source} · ${v.createdAt.toISOString().replace("T", " ").slice(0, 19)} UTC`}</p>
      {p.entry.changes.length ? (
        <table class="diff-table">
          <thead><tr><th>Field</th><th>Before</th><th>After</th></tr></thead>
          <tbody>{p.entry.changes.map((c) => <Change c={c} />)}</tbody>
        </table>
      ) : <p class="muted">No field changed.</p>}
      {v.version !== p.current ? (
        <form method="post" action={p.rollback}>
          <Csrf token={p.csrf} />
          <input type="hidden" name="version" value={String(v.version)} />
          <button type="submit">Roll back to this version</button>
        </form>
      ) : ""}
    </article>
  );
}

/** One changed field as a table row (a line diff for long text). */
function Change(p: { c: FieldChange }): JSX.Element {
  const c = p.c;
  if (c.kind === "value")
    return (
      <tr>
        <th scope="row" safe>{c.field}</th>
        <td class="diff-del" safe>{c.before}</td>
        <td class="diff-add" safe>{c.after}</td>
      </tr>
    );
  return (
    <tr>
      <th scope="row" safe>{c.field}</th>
      <td colspan="2">
        <pre class="diff">
          {c.lines.map((l) => (
            <span class={l.op === "+" ? "diff-add" : l.op === "-" ? "diff-del" : ""} safe>{`${l.op} ${l.text}\n`}</span>
          ))}
        </pre>
      </td>
    </tr>
  );
}

export function AgentHistoryView(p: { csrf: string; tenantId: string; agentId: string; name: string; entries: HistoryEntry[]; current: number; flash?: string }): JSX.Element {
  const q = `?tenant=${p.tenantId}`;
  return (
    <section class="card">
      <h1 safe>{`History of ${p.name}`}</h1>
      <Flash message={p.flash} />
      <p><a href={`/admin/agents/${p.agentId}${q}`}>Back to the AI employee</a></p>
      {p.entries.length === 0 ? <p class="muted">No versions yet: the next save starts the history.</p> : ""}
      {p.entries.map((e) => <VersionEntry csrf={p.csrf} entry={e} current={p.current} rollback={`/admin/agents/${p.agentId}/rollback${q}`} />)}
    </section>
  );
}
