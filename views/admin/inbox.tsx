/** @jsxImportSource @kitajs/html */
/**
 * The inbox: handoffs of the tenant by tab (waiting / mine / all / resolved) with how long each has
 * waited, and one handoff with its whole transcript, notes and the actions its state allows. The
 * list and the conversation poll themselves every 3 s (htmx); the conversation answers 204 when
 * nothing changed, so an idle page costs one small query per poll.
 */
import type { Children } from "@kitajs/html";
import type { Transcript } from "../../src/admin/queries/transcript.ts";
import type { Scope } from "./scope.ts";
import type { Handoff, HandoffNote } from "../../src/db/schema/index.ts";
import type { InboxRow, InboxTab } from "../../src/handoff/inbox.ts";
import { TranscriptItemView } from "./conversations.tsx";
import { Csrf, Flash } from "./form.tsx";
import { Empty, NoTenant, PageHead, when } from "./parts.tsx";
import { type MessageKey, t } from "../../src/i18n/i18n.ts";

const tr = t; // the tab loop below names its variable t

const TAB_LABEL: Record<InboxTab, MessageKey> = { waiting: "inbox.tabWaiting", mine: "inbox.tabMine", all: "inbox.tabAll", resolved: "inbox.tabResolved" };
const POLL = "every 3s";

/** "4 min", "2 h 5 min": how long since `from`. */
export function waited(from: Date, now: Date): string {
  const min = Math.max(0, Math.floor((now.getTime() - from.getTime()) / 60_000));
  if (min < 60) return `${min} min`;
  return `${Math.floor(min / 60)} h ${min % 60} min`;
}

/** Minutes that count for the SLA since `from`: the tenant's business minutes when it has hours. */
export type SlaClock = (from: Date, now: Date) => number;
const wallMinutes: SlaClock = (from, now) => (now.getTime() - from.getTime()) / 60_000;

/** SLA colour of a waiting handoff: fine under 5 minutes, late from 15. */
const sla = (from: Date, now: Date, clock: SlaClock = wallMinutes) => {
  const min = clock(from, now);
  return min >= 15 ? "sla-late" : min >= 5 ? "sla-warn" : "sla-ok";
};

export function InboxView(p: { scope: Scope; tab: InboxTab; rows: InboxRow[] | null; counts: { waiting: number; mine: number }; now: Date; flash?: string; admin: boolean; clock?: SlaClock }): JSX.Element {
  const q = `tenant=${p.scope.tenantId}`;
  return (
    <section>
      <PageHead title={t("nav.inbox")} scope={p.scope} action="/admin/inbox">
        {p.admin && p.scope.tenantId ? <><a href={`/admin/inbox/settings?${q}`}>{t("inboxDestination.escalationDestination")}</a> <a href={`/admin/inbox/canned?${q}`}>{t("inboxCanned.cannedReplies")}</a></> : ""}
      </PageHead>
      <Flash message={p.flash} />
      {!p.scope.tenantId || !p.rows ? (
        <NoTenant />
      ) : (
        <>
          <nav class="tabs" aria-label={t("inbox.inboxTabs")}>
            {(Object.keys(TAB_LABEL) as InboxTab[]).map((t) => (
              <a href={`/admin/inbox?${q}&tab=${t}`} aria-current={t === p.tab ? "page" : undefined}>
                {tr(TAB_LABEL[t])}
                {t === "waiting" || t === "mine" ? <span class="badge">{String(p.counts[t])}</span> : ""}
              </a>
            ))}
          </nav>
          <InboxList tenantId={p.scope.tenantId} tab={p.tab} rows={p.rows} now={p.now} clock={p.clock} />
          <InboxKeys />
        </>
      )}
    </section>
  );
}

export function InboxList(p: { tenantId: string; tab: InboxTab; rows: InboxRow[]; now: Date; clock?: SlaClock }): JSX.Element {
  const q = `tenant=${p.tenantId}`;
  return (
    <div id="inbox-list" hx-get={`/admin/inbox/list?${q}&tab=${p.tab}`} hx-trigger={POLL} hx-swap="outerHTML" aria-live="polite">
      {p.rows.length === 0 ? (
        <Empty>
          <p>{p.tab === "waiting" ? t("inbox.nobodyWaiting") : p.tab === "mine" ? t("inbox.youOwnNone") : t("inbox.noHandoffYet")}</p>
          <p class="muted">{t("inbox.aConversationLandsHereWhen")}</p>
        </Empty>
      ) : (
        <ul class="inbox" data-key-list>
          {p.rows.map((r) => (
            <li class={r.status === "waiting" ? sla(r.createdAt, p.now, p.clock) : ""}>
              <a href={`/admin/inbox/${r.id}?${q}`}>
                <strong safe>{r.reason}</strong>
              </a>
              <small class="muted">
                <span safe>{`${r.agentName} · ${r.channelName} (${r.channelKind}) · chat ${r.chatKey}`}</span>
                {" · "}
                <Status row={r} now={p.now} />
              </small>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** `closedBy`: who closed it, when known (the list); else the owner (who had it last). */
function Status(p: { row: Pick<Handoff, "status" | "owner" | "createdAt" | "takenAt" | "closedAt"> & { closedBy?: string | null }; now: Date }): JSX.Element {
  const r = p.row;
  if (r.status === "waiting") return <span class="status">{t("inbox.waitingFor", { time: waited(r.createdAt, p.now) })}</span>;
  if (r.status === "taken") return <span class="status">{t("inbox.takenBy", { owner: r.owner ?? "?" })} {r.takenAt ? t("inbox.ago", { time: waited(r.takenAt, p.now) }) : ""}</span>;
  return <span class="status">{t(r.status === "resolved" ? "inbox.resolvedBy" : "inbox.returnedBy", { owner: r.closedBy ?? r.owner ?? "?" })} · {when(r.closedAt)}</span>;
}

export interface HandoffPageProps {
  tenantId: string;
  handoff: Handoff & { closedBy?: string | null };
  notes: HandoffNote[];
  transcript: Transcript;
  me: string;
  /** May close a handoff someone else owns (tenant admins). */
  override: boolean;
  csrf: string;
  /** A fresh key for the reply form: a resubmitted form sends the same reply once. */
  nonce: string;
  version: string;
  now: Date;
  clock?: SlaClock;
  flash?: string;
  /** The tenant's canned replies (title and id) for the menu under the reply box. */
  canned: { id: string; title: string }[];
  /** What the reply box holds (after a canned reply was inserted). */
  draft: string;
}

export function HandoffView(p: HandoffPageProps): JSX.Element {
  const h = p.handoff;
  const base = `/admin/inbox/${h.id}`;
  const q = `?tenant=${p.tenantId}`;
  const open = h.status === "waiting" || h.status === "taken";
  const mine = h.status === "taken" && h.owner === p.me;
  return (
    <section>
      <p><a href={`/admin/inbox${q}`}>{t("inboxCanned.inbox")}</a></p>
      <h1 safe>{h.reason}</h1>
      <Flash message={p.flash} />
      <HandoffLive {...p} />
      {open ? (
        <div class="card stack">
          {h.status === "waiting" ? (
            <form method="post" action={`${base}/take${q}`} class="inline" data-key="a">
              <Csrf token={p.csrf} />
              <button type="submit">{t("inboxDestination.takeIt")}</button>
            </form>
          ) : ""}
          {mine ? (
            <form method="post" action={`${base}/reply${q}`} class="stack wide">
              <Csrf token={p.csrf} />
              <input type="hidden" name="nonce" value={p.nonce} />
              <label for="f-reply"><span>{t("inbox.replyToTheUserSent")}</span>
                <textarea id="f-reply" data-key="r" name="text" rows="3" required maxlength="4000" autofocus={p.draft ? true : undefined} safe>{p.draft}</textarea>
              </label>
              <div class="actions"><button type="submit">{t("inbox.sendReply")}</button></div>
            </form>
          ) : ""}
          {mine && p.canned.length ? <CannedPicker {...p} /> : ""}
          <form method="post" action={`${base}/note${q}`} class="stack wide">
            <Csrf token={p.csrf} />
            <label for="f-note"><span>{t("inbox.internalNoteNeverSentTo")}</span>
              <textarea id="f-note" name="text" rows="2" required maxlength="2000"></textarea>
            </label>
            <div class="actions"><button type="submit" class="secondary">{t("inbox.addNote")}</button></div>
          </form>
          {mine || h.status === "waiting" || p.override ? (
            <>
              <form method="post" action={`${base}/resolve${q}`} class="stack wide">
                <Csrf token={p.csrf} />
                <label for="f-resolve-note"><span>{t("inbox.resolutionNoteWhatWasDecided")}</span>
                  <input id="f-resolve-note" name="note" maxlength="2000" />
                </label>
                <div class="actions"><button type="submit">{t("inbox.resolve")}</button></div>
              </form>
              <form method="post" action={`${base}/return${q}`} class="inline" data-key="e">
                <Csrf token={p.csrf} />
                <button type="submit" class="secondary">{t("inbox.returnToAi")}</button>
              </form>
            </>
          ) : ""}
        </div>
      ) : ""}
      <InboxKeys />
    </section>
  );
}

/**
 * The keyboard shortcuts' help (a dialog `?` opens, static/inbox-keys.js) and the script itself,
 * loaded by the inbox pages only. The keys are the data-key attributes above.
 */
function InboxKeys(): JSX.Element {
  const keys: [string, MessageKey][] = [["j / k", "inbox.keysMove"], ["Enter", "inbox.keysOpen"], ["a", "inbox.keysTake"], ["r", "inbox.keysReply"], ["e", "inbox.keysReturn"], ["?", "inbox.keysHelp"]];
  return (
    <>
      <p><button type="button" class="secondary" data-key-help>{t("inbox.keysShow")}</button></p>
      <dialog id="inbox-keys" aria-labelledby="inbox-keys-title">
        <h2 id="inbox-keys-title">{t("inbox.keysTitle")}</h2>
        <dl class="keys">
          {keys.map(([k, what]) => <><dt><kbd safe>{k}</kbd></dt><dd>{t(what)}</dd></>)}
        </dl>
        <form method="dialog"><button type="submit">{t("inbox.keysClose")}</button></form>
      </dialog>
      <script src="/static/inbox-keys.js" defer></script>
    </>
  );
}

/**
 * Inserts a canned reply into the reply box, after what is typed there: htmx asks the page again with
 * the box's text and swaps in only the box; without script the same GET reloads the page with it.
 */
function CannedPicker(p: HandoffPageProps): JSX.Element {
  const base = `/admin/inbox/${p.handoff.id}`;
  return (
    <form method="get" action={base} hx-get={base} hx-include="#f-reply" hx-select="#f-reply" hx-target="#f-reply" hx-swap="outerHTML" class="inline canned">
      <input type="hidden" name="tenant" value={p.tenantId} />
      <label for="f-canned">{t("inbox.cannedReply")}</label>
      <select id="f-canned" name="canned">
        {p.canned.map((c) => <option value={c.id} safe>{c.title}</option>)}
      </select>
      <button type="submit" class="secondary">{t("inbox.insert")}</button>
    </form>
  );
}

/** The polled part: state, notes and the whole transcript. */
export function HandoffLive(p: HandoffPageProps): JSX.Element {
  const h = p.handoff;
  return (
    <div id="handoff-live" hx-get={`/admin/inbox/${h.id}/live?tenant=${p.tenantId}&v=${p.version}`} hx-trigger={h.status === "waiting" || h.status === "taken" ? POLL : "none"} hx-swap="outerHTML" aria-live="polite">
      <p class={`muted ${h.status === "waiting" ? sla(h.createdAt, p.now, p.clock) : ""}`}>
        <span safe>{`${p.transcript.agentName} · ${p.transcript.channelName} (${p.transcript.channelKind}) · chat ${p.transcript.chatKey} · rule ${h.rule} · escalated ${when(h.createdAt)} · `}</span>
        <Status row={h} now={p.now} />
      </p>
      {h.note ? <p class="card" safe>{`Resolution note: ${h.note}`}</p> : ""}
      {p.notes.length ? (
        <Box title={t("inbox.internalNotes")}>
          {p.notes.map((n) => (
            <div class="msg note">
              <small class="muted" safe>{`${n.author} · ${when(n.createdAt)}`}</small>
              <div safe>{n.body}</div>
            </div>
          ))}
        </Box>
      ) : ""}
      {p.transcript.items.length === 0 ? <Empty><p>{t("conversations.nothingRecordedInThisConversation")}</p></Empty> : <div class="chat-log">{p.transcript.items.map((i) => <TranscriptItemView item={i} />)}</div>}
    </div>
  );
}

function Box(p: { title: string; children: Children }): JSX.Element {
  return (
    <div class="card notes">
      <h2 safe>{p.title}</h2>
      {p.children}
    </div>
  );
}

export function NoInboxTenant(p: { scope: Scope }): JSX.Element {
  return <InboxView scope={p.scope} tab="waiting" rows={null} counts={{ waiting: 0, mine: 0 }} now={new Date()} admin={false} />;
}
