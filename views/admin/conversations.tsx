/** @jsxImportSource @kitajs/html */
/** Conversations: the filtered list, and one conversation as a transcript with its LLM and tool calls expandable. */
import { FeedbackButtons } from "./feedback.tsx";
import type { ConversationFilter, ConversationRow } from "../../src/admin/queries/conversations.ts";
import { markdownHtml } from "../../src/channels/browser-html.ts";
import type { Page } from "./page.ts";
import type { Transcript, TranscriptFile, TranscriptItem } from "../../src/admin/queries/transcript.ts";
import type { Scope } from "./scope.ts";
import type { Agent, Channel } from "../../src/db/schema/index.ts";
import { Choice, Text } from "./fields.tsx";
import { Empty, int, NoTenant, PageHead, Pager, usd, when } from "./parts.tsx";
import { t as tr } from "../../src/i18n/i18n.ts";

export interface ConversationListProps {
  scope: Scope;
  page: Page<ConversationRow> | null;
  filter: Record<string, string | undefined>;
  agents: Agent[];
  channels: Channel[];
}

export function ConversationList(p: ConversationListProps): JSX.Element {
  const q = `?tenant=${p.scope.tenantId}`;
  return (
    <section>
      <PageHead title={tr("nav.conversations")} scope={p.scope} action="/admin/conversations" />
      {!p.scope.tenantId || !p.page ? (
        <NoTenant />
      ) : (
        <>
          <form method="get" action="/admin/conversations" class="inline filters" aria-label={tr("conversations.filterConversations")}>
            <input type="hidden" name="tenant" value={p.scope.tenantId} />
            <Choice name="agent" label={tr("dashboard.aiEmployee")} values={p.filter} options={[{ value: "", label: tr("common.all") }, ...p.agents.map((a) => ({ value: a.id, label: a.name }))]} />
            <Choice name="channel" label={tr("conversations.channel")} values={p.filter} options={[{ value: "", label: tr("common.all") }, ...p.channels.map((c) => ({ value: c.id, label: c.name }))]} />
            <Choice name="state" label={tr("conversations.state")} values={p.filter} options={[{ value: "", label: tr("common.all") }, { value: "open", label: tr("conversations.open") }, { value: "closed", label: tr("conversations.closed") }]} />
            <Text name="from" label={tr("audit.from")} type="date" values={p.filter} />
            <Text name="to" label={tr("audit.to")} type="date" values={p.filter} />
            <button type="submit">{tr("audit.filter")}</button>
          </form>
          {p.page.rows.length === 0 ? (
            <Empty>
              {p.page.page > 1 || Object.values(p.filter).some(Boolean) ? (
                <p>{tr("conversations.noConversationMatchesTheseFilters")}{" "}<a href={`/admin/conversations${q}`}>{tr("conversations.clearTheFilters")}</a></p>
              ) : (
                <p>{tr("conversations.noConversationYetTheyAppear")}{" "}<a href={`/admin/chat${q}`}>{tr("conversations.tryTheWebChat")}</a>{" "}{tr("error.or")}{" "}<a href={`/admin/channels${q}`}>{tr("conversations.connectAChannel")}</a>.</p>
              )}
            </Empty>
          ) : (
            <div class="table-wrap">
              <table>
                <thead><tr><th scope="col">{tr("conversations.lastActivity")}</th><th scope="col">{tr("dashboard.aiEmployee")}</th><th scope="col">{tr("conversations.channel")}</th><th scope="col">{tr("conversations.chat")}</th><th scope="col">{tr("conversations.messages")}</th><th scope="col">{tr("conversations.state")}</th></tr></thead>
                <tbody>
                  {p.page.rows.map((c) => (
                    <tr>
                      <td><a href={`/admin/conversations/${c.id}${q}`}>{when(c.lastMessageAt)}</a></td>
                      <td safe>{c.agentName}</td>
                      <td safe>{`${c.channelName} (${c.channelKind})`}</td>
                      <td safe>{c.chatKey}</td>
                      <td>{int(c.messageCount)}</td>
                      <td>{c.closedAt ? tr("conversations.closedLower") : tr("conversations.openLower")}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <Pager base="/admin/conversations" params={{ ...p.filter, tenant: p.scope.tenantId }} page={p.page.page} hasNext={p.page.hasNext} />
        </>
      )}
    </section>
  );
}

export function TranscriptView(props: { tenantId: string; t: Transcript; ratings?: Map<string, 1 | -1> }): JSX.Element {
  const t = props.t;
  return (
    <section>
      <p><a href={`/admin/conversations?tenant=${props.tenantId}`}>{tr("conversations.conversations")}</a></p>
      <h1 safe>{`${t.agentName} · ${t.channelName}`}</h1>
      <p class="muted">
        {tr("conversations.chat")}{" "}<code safe>{t.chatKey}</code>{tr("conversations.started")}{" "}{when(t.startedAt)}
        {t.closedAt ? `, closed ${when(t.closedAt)}` : ", open"}
      </p>
      {t.items.length === 0 ? <Empty><p>{tr("conversations.nothingRecordedInThisConversation")}</p></Empty> : <div class="chat-log">{t.items.map((i) => <TranscriptItemView item={i} tenantId={props.tenantId} ratings={props.ratings} />)}</div>}
    </section>
  );
}

/** What the user sent with a message: each a download link (served by the console, per tenant). */
function FileLinks(props: { tenantId: string; files: TranscriptFile[] }): JSX.Element {
  return (
    <ul class="files">
      {props.files.map((f) => (
        <li>
          <a href={`/admin/attachments/${f.id}?tenant=${props.tenantId}`} download={f.name} safe>{f.name}</a>{" "}
          <small class="muted" safe>{`${f.mime}, ${int(Math.ceil(f.sizeBytes / 1024))} KB`}</small>
        </li>
      ))}
    </ul>
  );
}

/** One transcript entry: a message, an LLM call or an event (tool call, handoff step…) to expand. */
export function TranscriptItemView(props: { item: TranscriptItem; tenantId?: string; ratings?: Map<string, 1 | -1> }): JSX.Element {
  const i = props.item;
  if (i.type === "message")
    return (
      <div class={`msg ${i.role === "user" ? "user" : "assistant"}`}>
        <small class="muted">{`${i.role} · ${when(i.at)}`}</small>
        {i.role === "assistant" ? <div>{markdownHtml(i.content)}</div> : <div safe>{i.content}</div>}
        {i.files?.length && props.tenantId ? <FileLinks tenantId={props.tenantId} files={i.files} /> : ""}
        {i.answerId && props.tenantId ? <FeedbackButtons tenantId={props.tenantId} outboundId={i.answerId} rating={props.ratings?.get(i.answerId) ?? null} /> : ""}
      </div>
    );
  if (i.type === "llm_call")
    return (
      <details>
        <summary>
          {tr("conversations.llmCall")}{" "}<code safe>{`${i.provider}/${i.model}`}</code> {i.ok ? <span class="ok">{tr("conversations.ok")}</span> : <span class="error">{tr("conversations.failed")}</span>} · {String(i.latencyMs)} ms
        </summary>
        <dl>
          <dt>{tr("audit.when")}</dt><dd>{when(i.at)}</dd>
          <dt>{tr("agentHeartbeat.tokens")}</dt><dd>{`${int(i.promptTokens)} prompt + ${int(i.completionTokens)} completion`}</dd>
          <dt>{tr("agentHeartbeat.cost")}</dt><dd>{usd(i.costUsd)}</dd>
          {i.error ? <><dt>{tr("conversations.error")}</dt><dd class="error" safe>{i.error}</dd></> : ""}
        </dl>
      </details>
    );
  return (
    <details>
      <summary>
        <span safe>{i.kind === "tool_call" ? tr("conversations.toolCall") : i.kind.replace("_", " ")}</span> <code safe>{i.summary}</code>
      </summary>
      <p class="muted">{when(i.at)}</p>
      <pre class="code" safe>{JSON.stringify(i.data, null, 2)}</pre>
    </details>
  );
}
