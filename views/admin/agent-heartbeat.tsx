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
import { usd } from "./parts.tsx";

export function HeartbeatFields(p: { values: Record<string, string>; errors?: FieldErrors; channels: string[] }): JSX.Element {
  const v = { values: p.values, errors: p.errors };
  return (
    <fieldset class="stack">
      <legend>Heartbeat</legend>
      <Choice name="heartbeat" label="Heartbeat" {...v} options={[{ value: "off", label: "Off" }, { value: "on", label: "On: look around on its own" }]} hint="A SQL check of what changed runs first; only something new costs a model call (its first model)." />
      <Text name="heartbeat_every_minutes" label="Every (minutes)" type="number" {...v} hint="5 to 1440" />
      <Area name="heartbeat_checklist" label="Checklist (HEARTBEAT.md)" {...v} rows={5} hint="What to look at and what is worth interrupting for, in Markdown" />
      <Text name="heartbeat_quiet_start" label="Quiet hours from" {...v} placeholder="22:00" hint="HH:MM, 24 h; empty = none" />
      <Text name="heartbeat_quiet_end" label="Quiet hours until" {...v} placeholder="07:00" />
      <Text name="heartbeat_quiet_tz" label="Quiet hours time zone" {...v} placeholder="Europe/Oslo" hint="IANA name; empty = UTC" />
      <Text name="heartbeat_notify_channel" label="Reach out on channel" {...v} hint={p.channels.length ? `A channel of this tenant by name: ${p.channels.join(", ")}` : "A channel of this tenant by name"} />
      <Text name="heartbeat_notify_chat" label="…in chat" {...v} hint="Its chat id: a Telegram chat id, a Slack channel id" />
    </fieldset>
  );
}

function delivery(r: HeartbeatRun): string {
  if (r.decision !== "notify") return "";
  if (r.deliveredAt) return "sent";
  return r.deliveryError ? `not sent: ${r.deliveryError}` : "sending";
}

export function HeartbeatRuns({ h }: { h: HeartbeatSummary }): JSX.Element {
  return (
    <>
      <h2>Heartbeat runs</h2>
      <p safe>{`${h.runs} beats, ${h.modelCalls} with a model call, ${h.tokens} tokens, ${usd(h.costUsd)}`}</p>
      {h.recent.length ? (
        <div class="table-wrap">
          <table>
            <thead><tr><th scope="col">When (UTC)</th><th scope="col">New items</th><th scope="col">Decision</th><th scope="col">Tokens</th><th scope="col">Cost</th><th scope="col">Message</th><th scope="col">Delivery</th></tr></thead>
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
        <p class="muted">No beats yet.</p>
      )}
    </>
  );
}
