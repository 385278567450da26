/**
 * The newcomer's path (/admin/start), computed from the tenant's own rows — nothing is stored about
 * it. Every sub-query is an `exists` under withTenant (RLS), so another tenant's first message can
 * never complete this tenant's steps, and the 3 s poll stays cheap (it stops at the first row).
 */
import { sql } from "drizzle-orm";
import type { Database } from "../../db/database.ts";
import { rowsOf } from "../../db/set-sql.ts";

export interface FirstRun {
  agents: boolean;
  channels: boolean;
  firstMessage: boolean;
  firstAnswer: boolean;
}

export async function firstRunOf(db: Database, tenantId: string): Promise<FirstRun> {
  const [r] = await db.withTenant(tenantId, (tx) =>
    rowsOf<Record<string, boolean>>(
      tx,
      sql`select
        exists (select 1 from agents) as agents,
        exists (select 1 from channels) as channels,
        exists (select 1 from inbound_events) as first_message,
        exists (select 1 from outbound_messages where status = 'sent') as first_answer`,
    ),
  );
  return { agents: !!r!.agents, channels: !!r!.channels, firstMessage: !!r!.first_message, firstAnswer: !!r!.first_answer };
}

/** Done once the first answer went out: the dashboard stops pointing at the path. */
export const firstRunComplete = (f: FirstRun) => f.agents && f.firstMessage && f.firstAnswer;
