/**
 * "Test connection": one real call with the stored credentials — Slack `auth.test`, Telegram
 * `getMe` — against the channel's configured API (api_url / api_root). The answer names the bot;
 * a failure says what the platform said. Credentials never appear in the result.
 */
export type ConnectionTest = { ok: true; detail: string } | { ok: false; error: string };

const TIMEOUT_MS = 10_000;

export async function testChannel(kind: string, settings: Record<string, string>, secrets: Record<string, string>): Promise<ConnectionTest> {
  try {
    if (kind === "slack") return await testSlack(settings.api_url || "https://slack.com/api/", secrets.bot_token ?? "");
    if (kind === "telegram") return await testTelegram(settings.api_root || "https://api.telegram.org", secrets.bot_token ?? "");
    return { ok: true, detail: "nothing to test: this channel lives inside Konstruct" };
  } catch (e) {
    const err = e as Error;
    return { ok: false, error: err.name === "TimeoutError" ? `no answer within ${TIMEOUT_MS / 1000}s` : `cannot reach the API: ${err.message}` };
  }
}

async function testSlack(apiUrl: string, token: string): Promise<ConnectionTest> {
  if (!token) return { ok: false, error: "no bot token saved" };
  const res = await fetch(`${apiUrl.replace(/\/+$/, "")}/auth.test`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/x-www-form-urlencoded" },
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const body = (await res.json().catch(() => ({}))) as { ok?: boolean; error?: string; team?: string; user?: string; team_id?: string };
  if (!res.ok || !body.ok) return { ok: false, error: `Slack answered ${body.error ?? `HTTP ${res.status}`}` };
  return { ok: true, detail: `connected as @${body.user ?? "?"} in workspace ${body.team ?? body.team_id ?? "?"}` };
}

async function testTelegram(apiRoot: string, token: string): Promise<ConnectionTest> {
  if (!token) return { ok: false, error: "no bot token saved" };
  const res = await fetch(`${apiRoot.replace(/\/+$/, "")}/bot${token}/getMe`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  const body = (await res.json().catch(() => ({}))) as { ok?: boolean; description?: string; result?: { username?: string } };
  if (!res.ok || !body.ok) return { ok: false, error: `Telegram answered ${body.description ?? `HTTP ${res.status}`}` };
  return { ok: true, detail: `connected as @${body.result?.username ?? "?"}` };
}
