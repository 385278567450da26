/** @jsxImportSource @kitajs/html */
/** Web chat: pick an AI employee, talk to it; the log refreshes itself (htmx polling) until the reply is in. */
import type { Scope } from "./scope.ts";
import { markdownHtml } from "../../src/channels/browser-html.ts";
import type { ChatLine } from "../../src/admin/webchat/chat.ts";
import type { Agent } from "../../src/db/schema/index.ts";
import { FeedbackButtons } from "./feedback.tsx";
import { Choice } from "./fields.tsx";
import { Empty, NoTenant, PageHead, when } from "./parts.tsx";
import { t } from "../../src/i18n/i18n.ts";

export function ChatView(p: { scope: Scope; agents: Agent[]; agent: Agent | null; lines: ChatLine[]; ratings?: Map<string, 1 | -1> }): JSX.Element {
  const q = `?tenant=${p.scope.tenantId}`;
  return (
    <section>
      <PageHead title={t("nav.chat")} scope={p.scope} action="/admin/chat" />
      {!p.scope.tenantId ? (
        <NoTenant />
      ) : p.agents.length === 0 ? (
        <Empty><p>{t("chat.noAiEmployeeToTalk")}{" "}<a href="/admin/agents/new">{t("chat.designOne")}</a> first.</p></Empty>
      ) : (
        <>
          <form method="get" action="/admin/chat" class="inline filters">
            <input type="hidden" name="tenant" value={p.scope.tenantId} />
            <Choice name="agent" label={t("chat.talkTo")} values={{ agent: p.agent?.id ?? "" }} options={p.agents.map((a) => ({ value: a.id, label: a.role ? `${a.name} (${a.role})` : a.name }))} />
            <button type="submit" class="secondary">{t("chat.openChat")}</button>
          </form>
          {p.agent ? (
            <div class="card">
              <p class="muted">
                {t("chat.messagesGoThroughTheSame")}
              </p>
              <ChatLog tenantId={p.scope.tenantId} agentId={p.agent.id} lines={p.lines} ratings={p.ratings} />
              <form hx-post={`/admin/chat/${p.agent.id}/messages${q}`} hx-target="#chat-log" hx-swap="outerHTML" hx-encoding="multipart/form-data" data-reset-on-success class="stack wide">
                <label for="f-chat-text">
                  <span>{t("agentHeartbeat.message")}</span>
                  <textarea id="f-chat-text" name="text" rows="3" maxlength="8000"></textarea>
                </label>
                <label for="f-chat-file">
                  <span>{t("chat.filesImagesPdfWord")}</span>
                  <input id="f-chat-file" type="file" name="file" multiple />
                </label>
                <div class="actions"><button type="submit">{t("agentPreview.send")}</button></div>
              </form>
            </div>
          ) : ""}
        </>
      )}
    </section>
  );
}

/** The log; while a reply is outstanding it polls itself every second. */
export function ChatLog(p: { tenantId: string; agentId: string; lines: ChatLine[]; ratings?: Map<string, 1 | -1> }): JSX.Element {
  const last = p.lines.at(-1);
  const waiting = last?.from === "user" && (last.status === "pending" || last.status === "processing");
  const poll = waiting ? { "hx-get": `/admin/chat/${p.agentId}/log?tenant=${p.tenantId}`, "hx-trigger": "every 1s", "hx-swap": "outerHTML" } : {};
  return (
    <div id="chat-log" class="chat-log" aria-live="polite" {...poll}>
      {p.lines.length === 0 ? <p class="muted">{t("chat.sayHello")}</p> : ""}
      {p.lines.map((l) => (
        <div class={`msg ${l.from === "user" ? "user" : "assistant"}`}>
          <small class="muted">{`${l.from === "user" ? "You" : "AI employee"} · ${when(l.at)}${l.status === "failed" ? " · failed" : ""}`}</small>
          {l.from === "user" ? <div safe>{l.text}</div> : <div>{markdownHtml(l.text)}</div>}
          {l.files?.length ? <small class="muted" safe>{`Attached: ${l.files.join(", ")}`}</small> : ""}
          {l.from === "agent" && l.id && l.status !== "failed" ? <FeedbackButtons tenantId={p.tenantId} outboundId={l.id} rating={p.ratings?.get(l.id) ?? null} /> : ""}
        </div>
      ))}
      {waiting ? <p class="muted typing">{t("chat.thinking")}</p> : ""}
    </div>
  );
}
