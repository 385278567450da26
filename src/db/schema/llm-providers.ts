/** Platform-level LLM providers (tenant BYO keys are a tenant-owned table of their own). */
import { integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { bytea } from "./channels.ts";

export const llmProviders = pgTable("llm_providers", {
  id: text("id").primaryKey(),
  kind: text("kind").notNull(),
  baseUrl: text("base_url").notNull(),
  /** Sealed API key; empty seal for keyless providers (local ollama). */
  apiKey: bytea("api_key").notNull(),
  timeoutMs: integer("timeout_ms").notNull(),
  maxConcurrency: integer("max_concurrency").notNull(),
  source: text("source").notNull().default("ui"),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export type LlmProvider = typeof llmProviders.$inferSelect;
