/** @jsxImportSource @kitajs/html */
/**
 * One object's History (any versioned kind: AI employee, team, channel, schedule…): versions newest
 * first (who, when, source), each with its diff to the one before, and "Roll back to this version".
 */
import type { ConfigVersion } from "../../src/db/schema/index.ts";
import type { FieldChange } from "../../src/versions/diff.ts";
import { Csrf, Flash } from "./form.tsx";
import { type MessageKey, t } from "../../src/i18n/i18n.ts";

export interface HistoryEntry {
  version: Pick<ConfigVersion, "version" | "author" | "createdAt"> & { source: string };
  changes: FieldChange[];
}

/** One version: who, when, how; its diff to the one before; "Roll back" unless it is current or the object is gone. */
export function VersionEntry(p: { csrf: string; entry: HistoryEntry; current: number; rollback: string | null }): JSX.Element {
  const v = p.entry.version;
  return (
    <article class="version" id={`v${v.version}`}>
      <h2>{t("history.version", { n: v.version })}{v.version === p.current ? ` ${t("history.current")}` : ""}</h2>
      <p class="muted" safe>{`${v.author} · ${v.source} · ${v.createdAt.toISOString().replace("T", " ").slice(0, 19)} UTC`}</p>
      {p.entry.changes.length ? (
        <div class="table-wrap">
          <table class="diff-table">
            <thead><tr><th>{t("history.field")}</th><th>{t("history.before")}</th><th>{t("history.after")}</th></tr></thead>
            <tbody>{p.entry.changes.map((c) => <Change c={c} />)}</tbody>
          </table>
        </div>
      ) : <p class="muted">{t("history.noFieldChanged")}</p>}
      {v.version !== p.current && p.rollback ? (
        <form method="post" action={p.rollback}>
          <Csrf token={p.csrf} />
          <input type="hidden" name="version" value={String(v.version)} />
          <button type="submit">{t("history.rollBackToThisVersion")}</button>
        </form>
      ) : ""}
    </article>
  );
}

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

export interface HistoryProps {
  csrf: string;
  /** "AI employee", "team"… */
  noun: string;
  name: string;
  /** The object's own page, or null when it is gone (its history stays). */
  back: string | null;
  /** Where "Roll back" posts (with ?tenant=…). */
  rollback: string;
  entries: HistoryEntry[];
  current: number;
  flash?: string;
  flashError?: boolean;
}

const NOUNS: Record<string, MessageKey> = { "AI employee": "history.nounAgent", team: "history.nounTeam", channel: "history.nounChannel", schedule: "history.nounSchedule" };
/** A versioned kind's noun (src/versions/) in the reader's language. */
const nounWord = (noun: string): string => (NOUNS[noun] ? t(NOUNS[noun]) : noun);

export function HistoryView(p: HistoryProps): JSX.Element {
  return (
    <section class="card">
      <h1>{t("history.historyOf")} <span safe>{p.name}</span></h1>
      <Flash message={p.flash} error={p.flashError} />
      {p.back ? <p><a href={p.back}>{t("history.backTo", { noun: nounWord(p.noun) })}</a></p> : <p class="muted">{t("history.deleted", { noun: nounWord(p.noun) })}</p>}
      {p.entries.length === 0 ? <p class="muted">{t("history.noVersionsYetTheNext")}</p> : ""}
      {p.entries.map((e) => <VersionEntry csrf={p.csrf} entry={e} current={p.current} rollback={p.back ? p.rollback : null} />)}
    </section>
  );
}
