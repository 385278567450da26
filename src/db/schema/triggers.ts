/**
 * Tenant-owned: event triggers (src/triggers/). A trigger starts a background task (src/tasks/)
 * for one of the tenant's agents when a verified webhook delivery (kind `webhook`, at
 * /hooks/trigger/<public_id>) or an internal event (kind `event`) passes its filter; the result
 * goes to one of the tenant's channels and chats. agent_id and channel_id are composite foreign
 * keys (tenant_id, …), so a trigger can only ever name its own tenant's agent and channel. The
 * secret is sealed (SecretBox) and never read back out except to verify a signature.
 *
 * `trigger_deliveries` records every delivery: accepted (with the task), refused (with the
 * reason), filtered out, duplicate. `dedupe_key` (the delivery id) is set only on the row that
 * first claimed it (accepted or filtered), unique per trigger, so a redelivery finds it and is
 * recorded `duplicate` instead of starting a second task.
 */
import { sql } from "drizzle-orm";
import { boolean, index, jsonb, pgTable, primaryKey, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { bytea } from "./channels.ts";

export const TRIGGER_KINDS = ["webhook", "event"] as const;
export type TriggerKind = (typeof TRIGGER_KINDS)[number];
export const SIGNATURE_SCHEMES = ["github", "timestamped"] as const;
export type SignatureScheme = (typeof SIGNATURE_SCHEMES)[number];
export const DELIVERY_OUTCOMES = ["accepted", "refused", "filtered", "duplicate"] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

/** One condition of a filter: the value at `path` equals `equals` (strict, JSON scalars). */
export interface FilterCondition {
  path: string;
  equals: string | number | boolean | null;
}

export const triggers = pgTable(
  "triggers",
  {
    tenantId: uuid("tenant_id").notNull(),
    id: uuid("id").notNull().default(sql`gen_random_uuid()`),
    /** The unguessable id in the hook URL (carries the tenant id: see triggers/ids.ts). */
    publicId: text("public_id").notNull(),
    name: text("name").notNull(),
    kind: text("kind").$type<TriggerKind>().notNull().default("webhook"),
    /** kind `event`: the internal event's name (e.g. `task.finished`). */
    event: text("event"),
    scheme: text("scheme").$type<SignatureScheme>().notNull().default("github"),
    /** Sealed with SecretBox; empty for kind `event`. */
    secret: bytea("secret"),
    agentId: uuid("agent_id").notNull(),
    channelId: uuid("channel_id").notNull(),
    chatKey: text("chat_key").notNull(),
    replyTo: text("reply_to"),
    filter: jsonb("filter").$type<FilterCondition[]>().notNull().default([]),
    template: text("template").notNull(),
    paused: boolean("paused").notNull().default(false),
    /** 'config' for `tenants[].triggers[]` (upserted by name), 'console' otherwise. */
    source: text("source").notNull().default("console"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique("triggers_public_id").on(t.tenantId, t.publicId),
    unique("triggers_tenant_name").on(t.tenantId, t.name),
    index("triggers_tenant_event").on(t.tenantId, t.kind, t.event),
  ],
);

export const triggerDeliveries = pgTable(
  "trigger_deliveries",
  {
    tenantId: uuid("tenant_id").notNull(),
    /** Also the outbox key (inbound_event_id) of the started task's messages. */
    id: uuid("id").notNull().default(sql`gen_random_uuid()`),
    triggerId: uuid("trigger_id").notNull(),
    /** The sender's delivery id (bounded), shown in the console. */
    deliveryId: text("delivery_id"),
    /** Set on the row that claimed the delivery id (accepted / filtered): unique per trigger. */
    dedupeKey: text("dedupe_key"),
    outcome: text("outcome").$type<DeliveryOutcome>().notNull(),
    reason: text("reason"),
    taskId: uuid("task_id"),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique("trigger_deliveries_dedupe").on(t.tenantId, t.triggerId, t.dedupeKey),
    index("trigger_deliveries_recent").on(t.tenantId, t.triggerId, t.at),
  ],
);

export type Trigger = typeof triggers.$inferSelect;
export type TriggerDelivery = typeof triggerDeliveries.$inferSelect;
