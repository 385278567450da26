/** @jsxImportSource @kitajs/html */
/**
 * A tenant's event triggers: each with its URL, destination, filter and Pause/Resume/Delete for
 * tenant admins; the recent deliveries with their outcomes; a form to create one. A new webhook
 * trigger's secret appears once, right after creation, and never again.
 */
import type { Scope } from "./scope.ts";
import type { Trigger, TriggerDelivery } from "../../src/db/schema/index.ts";
import { filterToText } from "../../src/triggers/payload.ts";
import { INTERNAL_EVENTS } from "../../src/triggers/events.ts";
import { Area, Choice, Text } from "./fields.tsx";
import { Csrf, type FieldErrors, Flash, PauseDelete } from "./form.tsx";
import { Empty, NoTenant, PageHead, when } from "./parts.tsx";
import { t as tr, tText } from "../../src/i18n/i18n.ts";

export interface TriggersProps {
  scope: Scope;
  csrf: string;
  triggers: Trigger[] | null;
  deliveries: TriggerDelivery[];
  agents: { id: string; name: string }[];
  channels: { id: string; name: string }[];
  /** `<public_url>` (may be empty: the path is shown). */
  base: string;
  admin: boolean;
  flash?: string;
  created?: { name: string; url: string; secret: string };
  values?: Record<string, string | undefined>;
  errors?: FieldErrors;
}

export function TriggersView(p: TriggersProps): JSX.Element {
  const t = p.scope.tenantId;
  const names = new Map((p.triggers ?? []).map((x) => [x.id, x.name]));
  const agent = new Map(p.agents.map((a) => [a.id, a.name]));
  const channel = new Map(p.channels.map((c) => [c.id, c.name]));
  return (
    <section>
      <PageHead title={tr("nav.triggers")} scope={p.scope} action="/admin/triggers" />
      <Flash message={p.flash} />
      {p.created && (
        <div class="flash" role="status">
          <p>{tr("triggers.createdOnce", { name: p.created.name })}</p>
          <p><code safe>{p.created.url}</code></p>
          {p.created.secret ? <p class="secret-once" safe>{p.created.secret}</p> : ""}
        </div>
      )}
      {!t || !p.triggers ? (
        <NoTenant />
      ) : (
        <>
          {p.triggers.length === 0 ? (
            <Empty><p>{tr("triggers.noTriggersATriggerStarts")}</p></Empty>
          ) : (
            <div class="table-wrap">
              <table>
                <thead><tr><th scope="col">{tr("common.name")}</th><th scope="col">{tr("triggers.startsOn")}</th><th scope="col">{tr("dashboard.aiEmployee")}</th><th scope="col">{tr("triggers.resultTo")}</th><th scope="col">{tr("audit.filter")}</th><th scope="col">{tr("common.actions")}</th></tr></thead>
                <tbody>
                  {p.triggers.map((x) => (
                    <tr id={`trigger-${x.name}`}>
                      <td safe>{`${x.name}${x.paused ? ` ${tr("triggers.pausedMark")}` : ""}${x.source === "config" ? " · config" : ""}`}</td>
                      <td>{x.kind === "webhook" ? <><code safe>{`${p.base}/hooks/trigger/${x.publicId}`}</code> <small class="muted" safe>{x.scheme}</small></> : <code safe>{x.event ?? ""}</code>}</td>
                      <td safe>{agent.get(x.agentId) ?? "—"}</td>
                      <td safe>{`${channel.get(x.channelId) ?? "—"} · ${x.chatKey}${x.replyTo ? ` (thread ${x.replyTo})` : ""}`}</td>
                      <td><code safe>{filterToText(x.filter) || tr("triggers.everyDelivery")}</code></td>
                      <td><PauseDelete base={`/admin/triggers/${x.id}`} tenant={t} paused={x.paused} csrf={p.csrf} admin={p.admin} /></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h2>{tr("triggers.recentDeliveries")}</h2>
          {p.deliveries.length === 0 ? (
            <Empty><p>{tr("triggers.noDeliveriesYet")}</p></Empty>
          ) : (
            <div class="table-wrap">
              <table>
                <thead><tr><th scope="col">{tr("triggers.trigger")}</th><th scope="col">{tr("triggers.at")}</th><th scope="col">{tr("agentHeartbeat.delivery")}</th><th scope="col">{tr("schedules.outcome")}</th><th scope="col">{tr("schedules.task")}</th></tr></thead>
                <tbody>
                  {p.deliveries.map((d) => (
                    <tr class={`delivery-${d.outcome}`}>
                      <td safe>{names.get(d.triggerId) ?? "?"}</td>
                      <td>{when(d.at)}</td>
                      <td><code safe>{(d.deliveryId ?? "—").slice(0, 60)}</code></td>
                      <td safe>{d.reason ? `${d.outcome}: ${d.reason}` : d.outcome}</td>
                      <td>{d.taskId ? <a href={`/admin/tasks/${d.taskId}?tenant=${t}`}>{tr("schedules.task2")}</a> : "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {p.admin ? <NewTrigger {...p} /> : ""}
        </>
      )}
    </section>
  );
}

function NewTrigger(p: TriggersProps): JSX.Element {
  const values = { kind: "webhook", scheme: "github", ...p.values };
  const common = { values, errors: p.errors };
  return (
    <>
      <h2>{tr("triggers.newTrigger")}</h2>
      {p.errors?.form ? <Flash message={p.errors.form} error /> : ""}
      <form method="post" action={`/admin/triggers?tenant=${p.scope.tenantId}`} class="stack">
        <Csrf token={p.csrf} />
        <Text name="name" label={tr("common.name")} required hint={tr("triggers.aZ09And")} {...common} />
        <Choice name="kind" label={tr("audit.kind")} options={[{ value: "webhook", label: tText("triggers.kindWebhook") }, { value: "event", label: tText("triggers.kindEvent") }]} {...common} />
        <Choice name="scheme" label={tr("triggers.signatureWebhook")} options={[{ value: "github", label: "GitHub: X-Hub-Signature-256" }, { value: "timestamped", label: tText("triggers.schemeTimestamped") }]} {...common} />
        <Choice name="event" label={tr("triggers.eventInternal")} options={[{ value: "", label: "—" }, ...INTERNAL_EVENTS.map((e) => ({ value: e, label: e }))]} {...common} />
        <Choice name="agent_id" label={tr("dashboard.aiEmployee")} options={p.agents.map((a) => ({ value: a.id, label: a.name }))} {...common} />
        <Choice name="channel_id" label={tr("triggers.resultToChannel")} options={p.channels.map((c) => ({ value: c.id, label: c.name }))} {...common} />
        <Text name="chat" label={tr("conversations.chat")} required hint={tr("triggers.slackChannelIdCOr")} {...common} />
        <Text name="thread" label={tr("triggers.thread")} hint={tr("triggers.optionalThreadToAnswerIn")} {...common} />
        <Area name="filter" label={tr("audit.filter")} rows={3} hint='one "$.path = value" per line, all must hold; empty: every delivery' {...common} />
        <Area name="instruction" label={tr("schedules.instruction")} rows={4} hint={tr("triggers.whatTheTaskIsTo", { path: "{{ $.path }}" })} {...common} />
        <button type="submit">{tr("triggers.createTrigger")}</button>
      </form>
    </>
  );
}
