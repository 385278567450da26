/**
 * The compiled binary answering WhatsApp, for the binary e2e test and bench:media: `konstruct serve`
 * from a temp dir, one tenant whose agent has a vision link (`mock/eyes vision`) and transcription
 * through aimock, its WhatsApp number on the fake Cloud API (test/support/whatsapp.ts), deliveries
 * POSTed over real HTTP to the webhook URL the binary's own API reports. `roundTrip` sends one user
 * message and waits for the next reply to that user, timing webhook → reply as Meta would see it.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { eventually } from "./app.ts";
import { tempDir } from "./db.ts";
import { client } from "./http-client.ts";
import { type LlmMock, startLlmMock } from "./llm.ts";
import { securityConfig } from "./outbound.ts";
import { type SentMessage, startWhatsAppFake, type WhatsAppFake } from "./whatsapp.ts";
import { testPort } from "./ports.ts";

/** WhatsApp allows business-specific assistants only: the agent is scoped (src/scope). */
export const SCOPE = { business: "Travel and expense desk of Acme: receipts, reimbursements and hotel caps", topics: ["receipts and expense claims", "hotel caps and travel policy"] };

export const NUMBER = { id: "300000000000033", token: "EAAG-binary-token", secret: "binary-app-secret" };

export interface BinaryWhatsApp {
  base: string;
  llm: LlmMock;
  wa: WhatsAppFake;
  /** Sends `message` from `from` and waits for one more reply to `from`: the reply and the ms it took. */
  roundTrip(from: string, message: Record<string, unknown>, timeoutMs?: number): Promise<{ reply: SentMessage; ms: number }>;
  stop(): Promise<void>;
}

/** `extra`: more top-level config (e.g. `limits` for a benchmark's many messages). */
export async function startBinaryWhatsApp(binary: string, extra: Record<string, unknown> = {}): Promise<BinaryWhatsApp> {
  const llm = await startLlmMock();
  const wa = await startWhatsAppFake();
  const dir = tempDir("konstruct-wa-binary-");
  const port = testPort();
  const base = `http://127.0.0.1:${port}`;
  const channel = { kind: "whatsapp", name: "wa", phone_number_id: NUMBER.id, access_token: NUMBER.token, app_secret: NUMBER.secret, verify_token: "binary-verify-token-0001", graph_url: wa.url };
  const config = {
    security: securityConfig,
    server: { host: "127.0.0.1", port, public_url: base },
    llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url }] },
    media: { transcription: { provider: "mock", model: "whisper-1" } },
    tenants: [{ slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/eyes vision"], scope: SCOPE, channels: [channel] }] }],
    ...extra,
  };
  writeFileSync(join(dir.path, "konstruct.config.yaml"), JSON.stringify(config));
  writeFileSync(join(dir.path, "pw"), "binary admin password\n");
  const env = { PATH: "/usr/bin:/bin", HOME: dir.path };
  Bun.spawnSync([binary, "admin", "create", "--email", "root@example.com", "--password-file", "pw"], { cwd: dir.path, env });
  let child: Subprocess | undefined = Bun.spawn([binary, "serve"], { cwd: dir.path, env, stdout: "ignore", stderr: "inherit" });
  const stop = async () => {
    child?.kill();
    await child?.exited;
    child = undefined;
    await wa.stop();
    await llm.stop();
    dir.remove();
  };
  try {
    await eventually(async () => (await fetch(`${base}/readyz`).catch(() => null))?.ok, 60_000, "binary ready");
    const admin = client(base);
    await admin.send("/login");
    await admin.form("/login", { email: "root@example.com", password: "binary admin password" });
    await admin.send("/admin/tokens");
    const pat = /class="secret-once">(kpat_[A-Za-z0-9_-]+)</.exec((await admin.form("/admin/tokens", { name: "binary" })).text)![1]!;
    const get = async <T>(path: string) => (await (await fetch(`${base}/api/v1${path}`, { headers: { authorization: `Bearer ${pat}` } })).json()) as T;
    const tenant = (await get<{ items: { id: string; slug: string }[] }>("/tenants")).items.find((t) => t.slug === "acme")!.id;
    const wa0 = (await get<{ items: { kind: string; webhook_url: string }[] }>(`/tenants/${tenant}/channels`)).items.find((c) => c.kind === "whatsapp")!;
    wa.addNumber({ phoneNumberId: NUMBER.id, token: NUMBER.token, appSecret: NUMBER.secret, webhookUrl: wa0.webhook_url });
  } catch (e) {
    await stop();
    throw e;
  }

  return {
    base,
    llm,
    wa,
    async roundTrip(from, message, timeoutMs = 30_000) {
      const before = wa.sent.filter((m) => m.phoneNumberId === NUMBER.id && m.to === from).length;
      const started = performance.now();
      const { status } = await wa.userSends(NUMBER.id, from, message);
      if (status !== 200) throw new Error(`webhook answered ${status}`);
      const sent = await wa.waitForSent(NUMBER.id, from, before + 1, timeoutMs);
      return { reply: sent[before]!, ms: sent[before]!.at - started };
    },
    stop,
  };
}
