/** @jsxImportSource @kitajs/html */
/**
 * The Agent Designer's heartbeat: its settings (on/off, interval, quiet hours, the checklist —
 * HEARTBEAT.md — and where a reach-out goes) inside the agent form, and its recent runs with what
 * each found, decided, cost and whether its message went out. An idle beat shows 0 tokens.
 */
import type { HeartbeatRun } from "../../src/db/schema/index.ts";
import type { HeartbeatSummary } from "../../src/heartbeat/runs.ts";
import { Area, Choice, Text } from "./fields.tsx";
import type { FieldErrors } from "./form.tsx";
import { int, usd } from "./parts.tsx";
import { t } from "../../src/i18n/i18n.ts";

export function HeartbeatFields(p: { values: Record<string, string>; errors?: FieldErrors; channels: string[] }): JSX.Element {
  const v = { values: p.values, errors: p.errors };
  return (
    <fieldset class="stack">
      <legend>{t("agentHeartbeat.heartbeat")}</legend>
      <Choice name="heartbeat" label={t("agentHeartbeat.heartbeat")} {...v} options={[{ value: "off", label: "Off" }, { value: "on", label: "On: look around on its own" }]} hint={t("agentHeartbeat.aSqlCheckOfWhat")} />
      <Text name="heartbeat_every_minutes" label={t("agentHeartbeat.everyMinutes")} type="number" {...v} hint={t("agentHeartbeat.5To1440")} />
      <Area name="heartbeat_checklist" label={t("agentHeartbeat.checklistHeartbeatMd")} {...v} rows={5} hint={t("agentHeartbeat.whatToLookAtAnd")} />
      <Text name="heartbeat_quiet_start" label={t("agentHeartbeat.quietHoursFrom")} {...v} placeholder="22:00" hint={t("agentHeartbeat.hhMm24HEmpty")} />
      <Text name="heartbeat_quiet_end" label={t("agentHeartbeat.quietHoursUntil")} {...v} placeholder="07:00" />
      <Text name="heartbeat_quiet_tz" label={t("agentHeartbeat.quietHoursTimeZone")} {...v} placeholder="Europe/Oslo" hint={t("agentHeartbeat.ianaNameEmptyUtc")} />
      <Text name="heartbeat_notify_channel" label={t("agentHeartbeat.reachOutOnChannel")} {...v} hint={p.channels.length ? `${t("agentHeartbeat.channelByName")}: ${p.channels.join(", ")}` : t("agentHeartbeat.channelByName")} />
      <Text name="heartbeat_notify_chat" label={t("agentHeartbeat.inChat")} {...v} hint={t("agentHeartbeat.itsChatIdATelegram")} />
    </fieldset>
  );
}

function delivery(r: HeartbeatRun): string {
  if (r.decision !== "notify") return "";
  if (r.deliveredAt) return "sent";
  return r.deliveryError ? `${t("agentHeartbeat.notSent")} ${r.deliveryError}` : t("agentHeartbeat.sending");
}

export function HeartbeatRuns({ h }: { h: HeartbeatSummary }): JSX.Element {
  return (
    <>
      <h2>{t("agentHeartbeat.heartbeatRuns")}</h2>
      <p>{t("agentHeartbeat.summary", { runs: int(h.runs), calls: int(h.modelCalls), tokens: int(h.tokens), cost: usd(h.costUsd) })}</p>
      {h.recent.length ? (
        <div class="table-wrap">
          <table>
            <thead><tr><th scope="col">{t("agentHeartbeat.whenUtc")}</th><th scope="col">{t("agentHeartbeat.newItems")}</th><th scope="col">{t("agentHeartbeat.decision")}</th><th scope="col">{t("agentHeartbeat.tokens")}</th><th scope="col">{t("agentHeartbeat.cost")}</th><th scope="col">{t("agentHeartbeat.message")}</th><th scope="col">{t("agentHeartbeat.delivery")}</th></tr></thead>
            <tbody>
              {h.recent.map((r) => (
                <tr>
                  <td safe>{r.at.toISOString().slice(0, 16).replace("T", " ")}</td>
                  <td>{String(r.items)}</td>
                  <td safe>{r.decision}</td>
                  <td>{String(r.promptTokens + r.completionTokens)}</td>
                  <td>{usd(Number(r.costUsd))}</td>
                  <td safe>{r.message ?? ""}</td>
                  <td safe>{delivery(r)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p class="muted">{t("agentHeartbeat.noBeatsYet")}</p>
      )}
    </>
  );
}
