/**
 * The dashboard's figures for one tenant. "Today" and "this month" are UTC, as the budgets are.
 * Errors today: events whose processing failed, replies that could not be delivered, and failed LLM
 * attempts (a fallback that then succeeded still counts: someone should look at the primary).
 * Replies of unknown delivery (in doubt after a crash on a channel that cannot tell, gateway/outbox.ts)
 * count too: the user may not have had an answer.
 */
import { sql } from "drizzle-orm";
import type { Database } from "../../db/database.ts";
import { rowsOf } from "../../db/set-sql.ts";
import { type Satisfaction, satisfaction } from "../../feedback/feedback.ts";

export interface DashboardFigures {
  messagesToday: number;
  activeConversations: number;
  failedEvents: number;
  failedSends: number;
  unknownSends: number;
  failedLlmCalls: number;
  spendToday: number;
  spendMonth: number;
  /** Background tasks now (src/tasks/): running (waiting for an approval included) and queued; failed today. */
  tasksRunning: number;
  tasksWaiting: number;
  tasksQueued: number;
  tasksFailedToday: number;
  /** Per AI employee over the last 30 days: thumbs-up among rated answers (src/feedback/). */
  satisfaction: Satisfaction[];
}

/** Conversations with a message in this window count as active. */
const ACTIVE_WINDOW = "24 hours";

export async function dashboardFigures(db: Database, tenantId: string, now = new Date()): Promise<DashboardFigures> {
  const day = now.toISOString().slice(0, 10);
  const month = `${day.slice(0, 7)}-01`;
  // Midnight UTC as an instant, whatever the session's time zone.
  const since = `${day}T00:00:00Z`;
  const [r] = await db.withTenant(tenantId, (tx) =>
    rowsOf<Record<string, string | number>>(
      tx,
      sql`select
        (select count(*) from messages where created_at >= ${since}::timestamptz) as messages_today,
        (select count(*) from conversations where closed_at is null and last_message_at > ${now.toISOString()}::timestamptz - ${ACTIVE_WINDOW}::interval) as active_conversations,
        (select count(*) from inbound_events where status = 'failed' and received_at >= ${since}::timestamptz) as failed_events,
        (select count(*) from outbound_messages where status = 'failed' and created_at >= ${since}::timestamptz) as failed_sends,
        (select count(*) from outbound_messages where status = 'unknown' and created_at >= ${since}::timestamptz) as unknown_sends,
        (select count(*) from llm_calls where not ok and created_at >= ${since}::timestamptz) as failed_llm_calls,
        (select coalesce(sum(cost_usd), 0) from usage_daily where day = ${day}::date) as spend_today,
        (select coalesce(sum(cost_usd), 0) from usage_daily where day >= ${month}::date) as spend_month,
        (select count(*) from tasks where status in ('running', 'waiting_approval')) as tasks_running,
        (select count(*) from tasks where status = 'waiting_approval') as tasks_waiting,
        (select count(*) from tasks where status = 'queued') as tasks_queued,
        (select count(*) from tasks where status = 'failed' and finished_at >= ${since}::timestamptz) as tasks_failed_today`,
    ),
  );
  return {
    messagesToday: Number(r!.messages_today),
    activeConversations: Number(r!.active_conversations),
    failedEvents: Number(r!.failed_events),
    failedSends: Number(r!.failed_sends),
    unknownSends: Number(r!.unknown_sends),
    failedLlmCalls: Number(r!.failed_llm_calls),
    spendToday: Number(r!.spend_today),
    spendMonth: Number(r!.spend_month),
    tasksRunning: Number(r!.tasks_running),
    tasksWaiting: Number(r!.tasks_waiting),
    tasksQueued: Number(r!.tasks_queued),
    tasksFailedToday: Number(r!.tasks_failed_today),
    satisfaction: await satisfaction(db, tenantId),
  };
}
