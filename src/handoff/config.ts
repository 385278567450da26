/**
 * Escalation as code: `tenants[].escalation` declares the tenant's destination chain (the first
 * `destination` and up to two `next_destinations`, each a chat on one of its Slack or Telegram
 * channels, named by the channel's name), its business hours and its canned replies. Validated with
 * the key named before anything is written (an unknown channel, a chat id of the wrong shape, a bad
 * range or timezone, a title twice); provisioned in the tenant's transaction and idempotent: an
 * unchanged chain, hours or canned reply writes nothing, so a restart adds no audit entry. Undeclared
 * canned replies (made in the console) are left in place; a declared chain or hours replace the
 * console's.
 */
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Tx } from "../db/database.ts";
import { channels } from "../db/schema/index.ts";
import { CANNED_BODY_MAX, CANNED_MAX, CANNED_TITLE_MAX, upsertCanned } from "./canned.ts";
import { CHAIN_MAX, CHAT_PATTERN, chainOf, TIMEOUT_MAX_MINUTES, writeChain } from "./destination.ts";
import { checkHours, DAYS, EXPECTED_WAIT_MAX, HOLIDAYS_MAX, HOURS_LANGUAGES } from "./hours.ts";
import { hoursOf, normalWeek, writeHours } from "./hours-store.ts";

const stepSchema = z.strictObject({
  /** The name of one of this tenant's Slack or Telegram channels. */
  channel: z.string().min(1).max(100),
  chat: z.string().min(1).max(100),
  timeout_minutes: z.number().int().min(0).max(TIMEOUT_MAX_MINUTES).default(0),
});

export const tenantEscalationSchema = z.strictObject({
  destination: stepSchema.optional(),
  /** Notified one after the other when nobody took the handoff within the previous step's timeout. */
  next_destinations: z.array(stepSchema).max(CHAIN_MAX - 1).default([]),
  business_hours: z.strictObject({
    timezone: z.string().min(1).max(64),
    week: z.strictObject(Object.fromEntries(DAYS.map((d) => [d, z.string().max(100).default("")])) as Record<(typeof DAYS)[number], z.ZodDefault<z.ZodString>>),
    holidays: z.array(z.string().max(10)).max(HOLIDAYS_MAX).default([]),
    language: z.enum(HOURS_LANGUAGES).default("en"),
    /** Told to a user who asks for a person within the hours ("usually within 15 minutes"). */
    expected_wait_minutes: z.number().int().min(1).max(EXPECTED_WAIT_MAX).optional(),
  }).optional(),
  canned_replies: z.array(z.strictObject({ title: z.string().trim().min(1).max(CANNED_TITLE_MAX), body: z.string().trim().min(1).max(CANNED_BODY_MAX) })).max(CANNED_MAX).default([]),
});
export type TenantEscalation = z.infer<typeof tenantEscalationSchema>;

type TenantLike = { escalation?: TenantEscalation; agents: { channels: { name: string; kind: string }[] }[] };

/** What the tables would refuse, named by key. */
export function escalationIssues(t: TenantLike, ti: number, ctx: z.RefinementCtx): void {
  const at = (...path: (string | number)[]) => ["tenants", ti, "escalation", ...path];
  const e = t.escalation;
  const steps = e?.destination ? [{ d: e.destination, path: ["destination"] }, ...e.next_destinations.map((d, i) => ({ d, path: ["next_destinations", i] }))] : [];
  if (e && !e.destination && e.next_destinations.length) ctx.addIssue({ code: "custom", path: at("next_destinations"), message: "next destinations need a first `destination`" });
  for (const { d, path } of steps) {
    const ch = t.agents.flatMap((a) => a.channels).find((c) => c.name === d.channel);
    if (!ch || !(ch.kind in CHAT_PATTERN)) ctx.addIssue({ code: "custom", path: at(...path, "channel"), message: `no Slack or Telegram channel named '${d.channel}' in this tenant` });
    else if (!CHAT_PATTERN[ch.kind as keyof typeof CHAT_PATTERN].test(d.chat))
      ctx.addIssue({ code: "custom", path: at(...path, "chat"), message: ch.kind === "slack" ? "a Slack channel id such as C0123ABCD" : "a Telegram chat id such as -1001234567890" });
  }
  if (e?.business_hours) {
    const wrong = checkHours({ ...e.business_hours, expectedWaitMinutes: e.business_hours.expected_wait_minutes });
    if (wrong) ctx.addIssue({ code: "custom", path: at("business_hours", ...((DAYS as readonly string[]).includes(wrong.field) ? ["week", wrong.field] : [wrong.field])), message: wrong.error });
  }
  const seen = new Set<string>();
  e?.canned_replies.forEach((c, i) => {
    if (seen.has(c.title)) ctx.addIssue({ code: "custom", path: at("canned_replies", i, "title"), message: `duplicate canned reply title '${c.title}'` });
    seen.add(c.title);
  });
}

/** Applies it after the tenant's channels exist; returns how many rows it wrote. */
export async function provisionEscalation(tx: Tx, tenantId: string, e: TenantEscalation | undefined): Promise<number> {
  if (!e) return 0;
  let written = await upsertCanned(tx, tenantId, e.canned_replies);
  if (e.destination) {
    const want = [];
    for (const d of [e.destination, ...e.next_destinations]) {
      const [ch] = await tx.select({ id: channels.id }).from(channels).where(eq(channels.name, d.channel));
      want.push({ channelId: ch!.id, chat: d.chat, timeoutMinutes: d.timeout_minutes });
    }
    const have = (await chainOf(tx)).map((r) => ({ channelId: r.channelId, chat: r.chat, timeoutMinutes: r.timeoutMinutes }));
    if (JSON.stringify(have) !== JSON.stringify(want)) {
      await writeChain(tx, tenantId, want, "config");
      written++;
    }
  }
  if (e.business_hours) {
    const b = e.business_hours;
    const want = { timezone: b.timezone, week: normalWeek(b.week), holidays: [...new Set(b.holidays)].sort(), language: b.language, expectedWaitMinutes: b.expected_wait_minutes ?? null };
    const have = await hoursOf(tx);
    // jsonb keeps its own key order: compare the week in ours.
    if (JSON.stringify(have && { ...have, week: normalWeek(have.week) }) !== JSON.stringify(want)) {
      await writeHours(tx, tenantId, want, "config");
      written++;
    }
  }
  return written;
}
