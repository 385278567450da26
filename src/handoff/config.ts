/**
 * Escalation as code: `tenants[].escalation` declares the tenant's destination (a chat on one of its
 * Slack or Telegram channels, named by the channel's name) and its canned replies. Validated with the
 * key named before anything is written (an unknown channel, a chat id of the wrong shape, a title
 * twice); provisioned in the tenant's transaction and idempotent: an unchanged destination or canned
 * reply writes nothing, so a restart adds no audit entry. Undeclared canned replies (made in the
 * console) are left in place; a declared destination replaces the console's.
 */
import { eq } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../agent/audit.ts";
import type { Tx } from "../db/database.ts";
import { channels, handoffDestinations } from "../db/schema/index.ts";
import { CANNED_BODY_MAX, CANNED_MAX, CANNED_TITLE_MAX, upsertCanned } from "./canned.ts";
import { CHAT_PATTERN, TIMEOUT_MAX_MINUTES } from "./destination.ts";

export const tenantEscalationSchema = z.strictObject({
  destination: z.strictObject({
    /** The name of one of this tenant's Slack or Telegram channels. */
    channel: z.string().min(1).max(100),
    chat: z.string().min(1).max(100),
    timeout_minutes: z.number().int().min(0).max(TIMEOUT_MAX_MINUTES).default(0),
  }).optional(),
  canned_replies: z.array(z.strictObject({ title: z.string().trim().min(1).max(CANNED_TITLE_MAX), body: z.string().trim().min(1).max(CANNED_BODY_MAX) })).max(CANNED_MAX).default([]),
});
export type TenantEscalation = z.infer<typeof tenantEscalationSchema>;

type TenantLike = { escalation?: TenantEscalation; agents: { channels: { name: string; kind: string }[] }[] };

/** What the tables would refuse, named by key. */
export function escalationIssues(t: TenantLike, ti: number, ctx: z.RefinementCtx): void {
  const at = (...path: (string | number)[]) => ["tenants", ti, "escalation", ...path];
  const d = t.escalation?.destination;
  if (d) {
    const ch = t.agents.flatMap((a) => a.channels).find((c) => c.name === d.channel);
    if (!ch || !(ch.kind in CHAT_PATTERN)) ctx.addIssue({ code: "custom", path: at("destination", "channel"), message: `no Slack or Telegram channel named '${d.channel}' in this tenant` });
    else if (!CHAT_PATTERN[ch.kind as keyof typeof CHAT_PATTERN].test(d.chat))
      ctx.addIssue({ code: "custom", path: at("destination", "chat"), message: ch.kind === "slack" ? "a Slack channel id such as C0123ABCD" : "a Telegram chat id such as -1001234567890" });
  }
  const seen = new Set<string>();
  t.escalation?.canned_replies.forEach((c, i) => {
    if (seen.has(c.title)) ctx.addIssue({ code: "custom", path: at("canned_replies", i, "title"), message: `duplicate canned reply title '${c.title}'` });
    seen.add(c.title);
  });
}

/** Applies it after the tenant's channels exist; returns how many rows it wrote. */
export async function provisionEscalation(tx: Tx, tenantId: string, e: TenantEscalation | undefined): Promise<number> {
  if (!e) return 0;
  let written = await upsertCanned(tx, tenantId, e.canned_replies);
  if (e.destination) {
    const [ch] = await tx.select({ id: channels.id }).from(channels).where(eq(channels.name, e.destination.channel));
    const [have] = await tx.select().from(handoffDestinations);
    const want = { channelId: ch!.id, chat: e.destination.chat, timeoutMinutes: e.destination.timeout_minutes };
    if (!have || have.channelId !== want.channelId || have.chat !== want.chat || have.timeoutMinutes !== want.timeoutMinutes) {
      const row = { tenantId, ...want, updatedBy: "config", updatedAt: new Date() };
      await tx.insert(handoffDestinations).values(row).onConflictDoUpdate({ target: handoffDestinations.tenantId, set: row });
      await audit(tx, { tenantId, kind: "handoff", actor: "config", summary: `escalation destination set (config, timeout ${want.timeoutMinutes} min)`, data: { step: "destination", channel: want.channelId, chat: want.chat, timeoutMinutes: want.timeoutMinutes } });
      written++;
    }
  }
  return written;
}
