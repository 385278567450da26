/**
 * Channel connections from the console. The form is validated with the same schema as
 * konstruct.config.yaml (config/schema.ts channelSchema). Secrets are sealed (secrets/box.ts) and
 * never sent back: an empty secret field keeps the stored value. After a save the connection is
 * restarted in the running gateway. An api_url / api_root leading to a private address is refused
 * unless the platform's security.allow_private_hosts lists it.
 */
import { asc, eq, sql } from "drizzle-orm";
import { channelSchema } from "../../config/schema.ts";
import type { Database } from "../../db/database.ts";
import { type Channel, agents, channels, type VersionSource } from "../../db/schema/index.ts";
import { KonstructError } from "../../errors.ts";
import { splitChannel } from "../../provisioning/apply.ts";
import type { Outbound } from "../../net/outbound.ts";
import type { SecretBox } from "../../secrets/box.ts";
import { channelKind } from "../../versions/channel.ts";
import { lockVersioned, recordVersion } from "../../versions/store.ts";
import { type FieldErrors, isUniqueViolation, parseForm } from "../forms.ts";

export const SECRET_FIELDS: Record<string, string[]> = {
  slack: ["bot_token", "signing_secret", "app_token"],
  telegram: ["bot_token", "webhook_secret"],
  whatsapp: ["access_token", "app_secret"],
};
const SETTING_FIELDS: Record<string, string[]> = {
  slack: ["api_url", "team_id", "feedback", "voice_replies"],
  telegram: ["api_root", "groups", "feedback", "voice_replies"],
  whatsapp: ["phone_number_id", "business_account_id", "verify_token", "api_version", "graph_url", "template_name", "template_language", "voice_replies"],
};

export interface ChannelView {
  channel: Channel;
  agentName: string;
  /** The unsealed secrets; for masking and the connection test only, never for rendering in full. */
  secrets: Record<string, string>;
}

export async function listChannels(db: Database, tenantId: string): Promise<(Channel & { agentName: string })[]> {
  const rows = await db.withTenant(tenantId, (tx) =>
    tx.select({ channel: channels, agentName: agents.name }).from(channels).innerJoin(agents, eq(agents.id, channels.agentId)).orderBy(asc(channels.name)),
  );
  return rows.map((r) => ({ ...r.channel, agentName: r.agentName }));
}

export async function getChannel(db: Database, box: SecretBox, tenantId: string, id: string): Promise<ChannelView> {
  const [row] = await db.withTenant(tenantId, (tx) =>
    tx.select({ channel: channels, agentName: agents.name }).from(channels).innerJoin(agents, eq(agents.id, channels.agentId)).where(eq(channels.id, id)),
  );
  if (!row) throw new KonstructError("not_found", "no such channel");
  return { channel: row.channel, agentName: row.agentName, secrets: box.unsealJson(row.channel.secrets) };
}

/** The form's values for re-display: settings as stored, secret fields always empty. */
export function channelToForm(c: Channel): Record<string, string> {
  return { kind: c.kind, name: c.name, mode: c.mode, agent_id: c.agentId, ...c.settings };
}

export async function saveChannel(
  db: Database,
  box: SecretBox,
  outbound: Pick<Outbound, "refusal">,
  tenantId: string,
  id: string,
  fields: Record<string, string>,
  existing: ChannelView | null,
  by: { author: string; source: VersionSource; expected?: number } = { author: "console", source: "console" },
): Promise<{ ok: true } | { errors: FieldErrors }> {
  const kind = existing?.channel.kind ?? fields.kind ?? "";
  if (!SECRET_FIELDS[kind]) return { errors: { kind: "choose Slack, Telegram or WhatsApp" } };
  const input: Record<string, string> = { kind, name: fields.name ?? "", mode: fields.mode ?? "" };
  for (const k of SETTING_FIELDS[kind]!) if (fields[k]) input[k] = fields[k]!;
  // An empty secret field keeps what is stored; the stored value never travels to the browser.
  for (const k of SECRET_FIELDS[kind]!) {
    const v = fields[k] || existing?.secrets[k];
    if (v) input[k] = v;
  }
  const parsed = parseForm(channelSchema, input);
  const errors: FieldErrors = parsed.ok ? {} : parsed.errors;
  if (!fields.agent_id) errors.agent_id = "choose the AI employee that answers on this channel";
  if (parsed.ok && parsed.value.kind === "telegram" && parsed.value.mode === "webhook" && !parsed.value.webhook_secret)
    errors.webhook_secret = "a webhook needs a secret (any random string) so deliveries can be verified";
  if (parsed.ok && parsed.value.kind === "slack" && parsed.value.mode === "socket" && !parsed.value.app_token)
    errors.app_token = "Socket Mode needs an app-level token (xapp-…)";
  if (parsed.ok && parsed.value.kind === "slack" && parsed.value.mode === "events" && !parsed.value.signing_secret)
    errors.signing_secret = "the Events API needs the app's signing secret to verify requests";
  // Only a URL the admin typed (the defaults are Slack's and Telegram's own); every request is checked again.
  for (const k of ["api_url", "api_root", "graph_url"]) {
    const refused = input[k] && !errors[k] ? await outbound.refusal(input[k]) : null;
    if (refused) errors[k] = refused;
  }
  if (!parsed.ok || Object.keys(errors).length) return { errors };
  const { settings, secrets } = splitChannel(parsed.value);
  const values = { name: parsed.value.name, mode: parsed.value.mode, agentId: fields.agent_id!, settings, secrets: box.sealJson(secrets) };
  try {
    await db.withTenant(tenantId, async (tx) => {
      const [agent] = await tx.select({ id: agents.id }).from(agents).where(eq(agents.id, values.agentId));
      if (!agent) throw new KonstructError("bad_request", "unknown AI employee");
      const versions = channelKind(box);
      if (existing) {
        await lockVersioned(tx, versions, id, by.expected);
        await tx.update(channels).set({ ...values, updatedAt: sql`now()` }).where(eq(channels.id, id));
      } else await tx.insert(channels).values({ tenantId, id, kind, ...values, source: "ui" });
      await recordVersion(tx, versions, id, by.author, by.source);
    });
  } catch (e) {
    if (e instanceof KonstructError && e.code === "conflict") return { errors: { version: e.message } };
    if (isUniqueViolation(e)) return { errors: { name: "another channel of this tenant has this name" } };
    if (e instanceof KonstructError && e.code === "bad_request") return { errors: { agent_id: e.message } };
    throw e;
  }
  return { ok: true };
}

export async function deleteChannel(db: Database, tenantId: string, id: string): Promise<void> {
  await db.withTenant(tenantId, (tx) => tx.delete(channels).where(eq(channels.id, id)));
}
