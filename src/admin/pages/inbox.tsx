/** @jsxImportSource @kitajs/html */
/**
 * /admin/inbox: the tenant's handoffs (src/handoff/) for the people who answer them — operators and
 * tenant admins. Every statement runs in the scoped tenant's transaction, so another tenant's
 * handoff id is a 404. *Take it* is one conditional UPDATE (of two at once one wins; the other is
 * told and sees who); a reply goes through replyAsHuman (owner only, through the user's channel's
 * outbox, exactly once per form: the form carries a nonce that keys the reply); notes are never
 * sent. Resolve / Return to AI: the owner, anyone while it waits, or a tenant admin.
 */
import { HandoffLive, type HandoffPageProps, HandoffView, InboxList, InboxView, NoInboxTenant, type SlaClock } from "../../../views/admin/inbox.tsx";
import { businessMinutes } from "../../handoff/hours.ts";
import { getHours } from "../../handoff/hours-store.ts";
import type { Database } from "../../db/database.ts";
import { KonstructError } from "../../errors.ts";
import { addNote, close, fingerprint, INBOX_TABS, type InboxTab, inboxCounts, inboxItem, listInbox, NOTE_MAX, take } from "../../handoff/inbox.ts";
import { REPLY_MAX, replyAsHuman } from "../../handoff/reply.ts";
import { listCanned } from "../../handoff/canned.ts";
import type { CannedReply } from "../../db/schema/index.ts";
import { redirect, render } from "../../http/render.ts";
import { canAdmin, type Principal, requireAdmin } from "../auth/principal.ts";
import { flashMessage, withFlash } from "../flash.ts";
import type { AdminContext as PageCtx, ConsoleDeps, Handler } from "../lazy.ts";
import { loadTranscript } from "../queries/transcript.ts";
import { formText, idParam } from "../request.ts";
import { pageScope } from "../scope.ts";
import { t } from "../../i18n/i18n.ts";

/** Who a person is in a handoff's `owner` and the audit trail. */
export const ownerOf = (p: Principal) => `console:${p.email}`;
/** How a person signs a reply to the end user ("ada (human): …"). */
const nameOf = (p: Principal) => p.email.split("@")[0]!.slice(0, 80);
const tabOf = (v: string | undefined): InboxTab => (INBOX_TABS as readonly string[]).includes(v ?? "") ? (v as InboxTab) : "waiting";

export async function tenantScope(deps: ConsoleDeps, ctx: PageCtx) {
  const s = await pageScope(deps, ctx, "inbox");
  if (!s.tenantId) throw new KonstructError("not_found", "no such handoff");
  return { ...s, tenantId: s.tenantId };
}

export const showInbox: Handler = async (deps, ctx) => {
  const { p, db, scope, tenantId } = await pageScope(deps, ctx, "inbox");
  if (!tenantId) return render(ctx, <NoInboxTenant scope={scope} />, t("nav.inbox"));
  const tab = tabOf(ctx.query.tab);
  const [rows, counts, clock] = await Promise.all([listInbox(db, tenantId, tab, ownerOf(p)), inboxCounts(db, tenantId, ownerOf(p)), slaClock(db, tenantId)]);
  return render(ctx, <InboxView scope={scope} tab={tab} rows={rows} counts={counts} now={new Date()} flash={flashMessage(ctx.query.flash)} admin={canAdmin(p, tenantId)} clock={clock} />, t("nav.inbox"));
};

export const inboxListPartial: Handler = async (deps, ctx) => {
  const { p, db, tenantId } = await tenantScope(deps, ctx);
  const tab = tabOf(ctx.query.tab);
  const [rows, clock] = await Promise.all([listInbox(db, tenantId, tab, ownerOf(p)), slaClock(db, tenantId)]);
  return render(ctx, <InboxList tenantId={tenantId} tab={tab} rows={rows} now={new Date()} clock={clock} />, t("nav.inbox"));
};

/** The SLA colour counts the tenant's business minutes when it has business hours (wall minutes without). */
async function slaClock(db: Database, tenantId: string): Promise<SlaClock | undefined> {
  const hours = await getHours(db, tenantId);
  return hours ? (from, now) => businessMinutes(hours, from, now) : undefined;
}

/** The reply box after *Insert*: what was typed (`text`), then the chosen canned reply, within the reply's bound. */
function draftOf(canned: CannedReply[], q: Record<string, string | undefined>): string {
  const typed = (q.text ?? "").slice(0, REPLY_MAX).trimEnd();
  const body = canned.find((c) => c.id === q.canned)?.body ?? "";
  return (typed && body ? `${typed}\n\n${body}` : typed || body).slice(0, REPLY_MAX);
}

async function pageProps(deps: ConsoleDeps, ctx: PageCtx): Promise<HandoffPageProps> {
  const { p, db, tenantId } = await tenantScope(deps, ctx);
  const id = idParam(ctx.params.id, "handoff");
  const [item, version, canned, clock] = await Promise.all([inboxItem(db, tenantId, id), fingerprint(db, tenantId, id), listCanned(db, tenantId), slaClock(db, tenantId)]);
  const transcript = item && (await loadTranscript(db, tenantId, item.handoff.conversationId));
  if (!item || !transcript || !version) throw new KonstructError("not_found", "no such handoff");
  return {
    tenantId, handoff: item.handoff, notes: item.notes, transcript, me: ownerOf(p), override: canAdmin(p, tenantId), csrf: ctx.csrfToken,
    nonce: crypto.randomUUID(), version, now: new Date(), clock, flash: flashMessage(ctx.query.flash),
    canned: canned.map((c) => ({ id: c.id, title: c.title })), draft: draftOf(canned, ctx.query),
  };
}

export const showHandoff: Handler = async (deps, ctx) => render(ctx, <HandoffView {...await pageProps(deps, ctx)} />, t("nav.inbox"));

/** Polled every 3 s: 204 (htmx keeps what it shows) unless the handoff, its messages or notes changed. */
export const handoffLivePartial: Handler = async (deps, ctx) => {
  const { db, tenantId } = await tenantScope(deps, ctx);
  const now = await fingerprint(db, tenantId, idParam(ctx.params.id, "handoff"));
  if (!now) throw new KonstructError("not_found", "no such handoff");
  if (now === ctx.query.v) return new Response(null, { status: 204 });
  return render(ctx, <HandoffLive {...await pageProps(deps, ctx)} />, t("nav.inbox"));
};

/** Runs an action on a handoff of the scoped tenant, then back to its page with a flash. */
async function act(deps: ConsoleDeps, ctx: PageCtx, run: (a: { p: Principal; tenantId: string; id: string; db: Database }) => Promise<string>): Promise<Response> {
  const { p, db, tenantId } = await tenantScope(deps, ctx);
  const id = idParam(ctx.params.id, "handoff");
  const flash = await run({ p, tenantId, id, db });
  return redirect(ctx.request, withFlash(`/admin/inbox/${id}?tenant=${tenantId}`, flash));
}

export const takeHandoffForm: Handler = (deps, ctx) =>
  act(deps, ctx, async ({ p, tenantId, id, db }) => {
    const r = await take(db, tenantId, id, ownerOf(p));
    if (!r) throw new KonstructError("not_found", "no such handoff");
    return r.taken ? "handoff_taken" : "handoff_already_taken";
  });

export const replyHandoffForm: Handler = (deps, ctx) =>
  act(deps, ctx, async ({ p, tenantId, id, db }) => {
    // A browser sends a textarea's line breaks as CRLF; the user's channel gets plain newlines.
    const text = formText(ctx.body, "text").replace(/\r\n?/g, "\n").trim();
    const nonce = formText(ctx.body, "nonce");
    if (!text || text.length > REPLY_MAX) throw new KonstructError("bad_request", `text: 1–${REPLY_MAX} characters`);
    if (!/^[0-9a-f-]{36}$/i.test(nonce)) throw new KonstructError("bad_request", "nonce: reload the page and send again");
    const reach = deps.reach();
    if (!reach) throw new KonstructError("db_unavailable", "starting");
    const sent = await replyAsHuman({ db, reach, measures: deps.handoffMeasures }, tenantId, { handoffId: id, owner: ownerOf(p), name: nameOf(p), key: `console:${nonce}`, text });
    return sent === "sent" ? "handoff_replied" : sent === "failed" ? "handoff_reply_failed" : "handoff_not_owner";
  });

export const noteHandoffForm: Handler = (deps, ctx) =>
  act(deps, ctx, async ({ p, tenantId, id, db }) => {
    const text = formText(ctx.body, "text").trim();
    if (!text || text.length > NOTE_MAX) throw new KonstructError("bad_request", `text: 1–${NOTE_MAX} characters`);
    if (!(await addNote(db, tenantId, id, ownerOf(p), text))) throw new KonstructError("not_found", "no such handoff");
    return "handoff_noted";
  });

const closing = (how: "resolved" | "returned"): Handler => (deps, ctx) =>
  act(deps, ctx, async ({ p, tenantId, id, db }) => {
    const note = formText(ctx.body, "note").trim();
    if (note.length > NOTE_MAX) throw new KonstructError("bad_request", `note: at most ${NOTE_MAX} characters`);
    const item = await inboxItem(db, tenantId, id);
    if (!item) throw new KonstructError("not_found", "no such handoff");
    const h = item.handoff;
    if (h.status === "taken" && h.owner !== ownerOf(p) && !canAdmin(p, tenantId)) return "handoff_not_owner";
    const closed = await close(db, tenantId, id, how, ownerOf(p), note, deps.handoffMeasures, deps.knowledge()?.memory);
    return closed ? (how === "resolved" ? "handoff_resolved" : "handoff_returned") : "handoff_closed_already";
  });

export const resolveHandoffForm = closing("resolved");
export const returnHandoffForm = closing("returned");
