/**
 * "Test connection": one real call with the stored credentials — Slack `auth.test`, Telegram
 * `getMe` — against the channel's configured API (api_url / api_root), through the SSRF guard
 * (src/net/outbound.ts). The answer names the bot; a failure gives the HTTP status or Slack's
 * error code (only when it looks like one) and a reason in our words — never the remote body, so
 * an api_url aimed at some other service cannot make this button read it out. Credentials never
 * appear in the result.
 */
import type { Outbound } from "../../net/outbound.ts";
import { OutboundRefused } from "../../net/outbound.ts";

export type ConnectionTest = { ok: true; detail: string } | { ok: false; error: string };

const TIMEOUT_MS = 10_000;
/** Slack error codes are short snake_case words (`invalid_auth`); anything else is not repeated. */
const SLACK_CODE = /^[a-z][a-z0-9_]{1,48}$/;

export async function testChannel(outbound: Outbound, kind: string, settings: Record<string, string>, secrets: Record<string, string>): Promise<ConnectionTest> {
  try {
    if (kind === "slack") return await testSlack(outbound, settings.api_url || "https://slack.com/api/", secrets.bot_token ?? "");
    if (kind === "telegram") return await testTelegram(outbound, settings.api_root || "https://api.telegram.org", secrets.bot_token ?? "");
    if (kind === "whatsapp") return await testWhatsApp(outbound, settings, secrets.access_token ?? "");
    return { ok: true, detail: "nothing to test: this channel lives inside Konstruct" };
  } catch (e) {
    const err = e as Error;
    if (err instanceof OutboundRefused) return { ok: false, error: `the API address is not allowed: ${err.message}` };
    return { ok: false, error: err.name === "TimeoutError" ? `no answer within ${TIMEOUT_MS / 1000}s` : "cannot reach the API (connection failed)" };
  }
}

async function testSlack(outbound: Outbound, apiUrl: string, token: string): Promise<ConnectionTest> {
  if (!token) return { ok: false, error: "no bot token saved" };
  const res = await outbound.request(`${apiUrl.replace(/\/+$/, "")}/auth.test`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/x-www-form-urlencoded" },
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const body = (await res.json().catch(() => ({}))) as { ok?: boolean; error?: unknown; team?: unknown; user?: unknown; team_id?: unknown };
  if (!res.ok || body.ok !== true) {
    const code = typeof body.error === "string" && SLACK_CODE.test(body.error) ? body.error : `HTTP ${res.status} (not a Slack API answer)`;
    return { ok: false, error: `Slack answered ${code}` };
  }
  return { ok: true, detail: `connected as @${name(body.user)} in workspace ${name(body.team ?? body.team_id)}` };
}

async function testWhatsApp(outbound: Outbound, s: Record<string, string>, token: string): Promise<ConnectionTest> {
  if (!token) return { ok: false, error: "no access token saved" };
  const base = (s.graph_url || "https://graph.facebook.com").replace(/\/+$/, "");
  const res = await outbound.request(`${base}/${s.api_version || "v21.0"}/${encodeURIComponent(s.phone_number_id ?? "")}`, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const body = (await res.json().catch(() => ({}))) as { display_phone_number?: unknown; verified_name?: unknown };
  if (!res.ok) return { ok: false, error: `WhatsApp answered HTTP ${res.status}${res.status === 401 ? " (check the access token)" : " (check the phone number ID)"}` };
  return { ok: true, detail: `connected as ${name(body.verified_name)} (${name(body.display_phone_number)})` };
}

async function testTelegram(outbound: Outbound, apiRoot: string, token: string): Promise<ConnectionTest> {
  if (!token) return { ok: false, error: "no bot token saved" };
  const res = await outbound.request(`${apiRoot.replace(/\/+$/, "")}/bot${token}/getMe`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  const body = (await res.json().catch(() => ({}))) as { ok?: boolean; result?: { username?: unknown } };
  if (!res.ok || body.ok !== true) return { ok: false, error: `Telegram answered HTTP ${res.status}${res.status === 401 || res.status === 404 ? " (check the bot token)" : ""}` };
  return { ok: true, detail: `connected as @${name(body.result?.username)}` };
}

/** A bot or workspace name as the platform gave it, bounded (it is shown, so it must stay short). */
function name(v: unknown): string {
  return typeof v === "string" && v ? v.slice(0, 80) : "?";
}
