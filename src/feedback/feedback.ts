/**
 * Ratings of answers. Every read and write is inside withTenant: an answer of another tenant is
 * simply not found (RLS), so rating it is a 404. The agent is the one the answer's channel points
 * to; the conversation is the one the answer's inbound event belongs to, when known.
 */
import { sql } from "drizzle-orm";
import type { Database } from "../db/database.ts";
import { rowsOf } from "../db/set-sql.ts";
import { KonstructError } from "../errors.ts";

export const MAX_CORRECTION = 2000;

export interface Rating {
  outboundId: string;
  rater: string;
  rating: 1 | -1;
  correction?: string | null;
}

/** Where a correction goes; Memory.remember fits. */
export type Remember = (tenantId: string, m: { agentId: string; userKey: string; kind: "fact"; content: string; conversationId?: string | null }) => Promise<unknown>;

/** Stores (or replaces) the rating; a correction with a thumbs-down also becomes a memory. */
export async function rate(db: Database, tenantId: string, r: Rating, remember: Remember | null): Promise<{ agentId: string }> {
  const correction = r.rating === -1 ? (r.correction ?? "").trim() || null : null;
  if (correction && correction.length > MAX_CORRECTION) throw new KonstructError("bad_request", `correction: at most ${MAX_CORRECTION} characters`);
  const saved = await db.withTenant(tenantId, async (tx) => {
    const [answer] = await rowsOf<{ agent_id: string; conversation_id: string | null; text: string }>(
      tx,
      sql`select c.agent_id, m.conversation_id, o.text
            from outbound_messages o join channels c on c.tenant_id = o.tenant_id and c.id = o.channel_id
            left join messages m on m.tenant_id = o.tenant_id and m.inbound_event_id = o.inbound_event_id
           where o.tenant_id = ${tenantId}::uuid and o.id = ${r.outboundId}::uuid
           limit 1`,
    );
    if (!answer) throw new KonstructError("not_found", "no such answer");
    await tx.execute(
      sql`insert into feedback (tenant_id, outbound_id, conversation_id, agent_id, rater, rating, correction)
          values (${tenantId}::uuid, ${r.outboundId}::uuid, ${answer.conversation_id}::uuid, ${answer.agent_id}::uuid, ${r.rater}, ${r.rating}, ${correction})
          on conflict (tenant_id, outbound_id, rater) do update set rating = excluded.rating, correction = excluded.correction, updated_at = now()`,
    );
    return answer;
  });
  if (correction && remember) {
    const wrong = saved.text.length > 300 ? `${saved.text.slice(0, 300)}…` : saved.text;
    await remember(tenantId, {
      agentId: saved.agent_id,
      userKey: "",
      kind: "fact",
      content: `Correction from a reviewer: an earlier answer ("${wrong}") was wrong. The correct answer: ${correction}`,
      conversationId: saved.conversation_id,
    });
  }
  return { agentId: saved.agent_id };
}

/**
 * Takes back a rating (a Slack reaction removed): only if it is still `rating`, so removing 👎 after
 * reacting 👍 again leaves the 👍. A correction memory already made stays (a reaction never has one).
 */
export async function unrate(db: Database, tenantId: string, r: Omit<Rating, "correction">): Promise<boolean> {
  const rows = await db.withTenant(tenantId, (tx) =>
    rowsOf<{ outbound_id: string }>(
      tx,
      sql`delete from feedback where tenant_id = ${tenantId}::uuid and outbound_id = ${r.outboundId}::uuid and rater = ${r.rater} and rating = ${r.rating} returning outbound_id`,
    ),
  );
  return rows.length > 0;
}

/** The raters' own ratings of these answers (to show which thumb is pressed). */
export async function ratingsBy(db: Database, tenantId: string, rater: string, outboundIds: string[]): Promise<Map<string, 1 | -1>> {
  if (!outboundIds.length) return new Map();
  const rows = await db.withTenant(tenantId, (tx) =>
    rowsOf<{ outbound_id: string; rating: number }>(
      tx,
      sql`select outbound_id, rating from feedback where tenant_id = ${tenantId}::uuid and rater = ${rater} and outbound_id in (${sql.join(outboundIds.map((id) => sql`${id}::uuid`), sql`, `)})`,
    ),
  );
  return new Map(rows.map((r) => [r.outbound_id, r.rating === 1 ? 1 : -1]));
}

export interface Satisfaction {
  agentId: string;
  name: string;
  up: number;
  rated: number;
}

/** Per agent: thumbs-up and rated answers, over the last `days` days. */
export async function satisfaction(db: Database, tenantId: string, days = 30): Promise<Satisfaction[]> {
  const rows = await db.withTenant(tenantId, (tx) =>
    rowsOf<{ agent_id: string; name: string; up: number; rated: number }>(
      tx,
      sql`select f.agent_id, a.name, count(*) filter (where f.rating = 1)::int as up, count(*)::int as rated
            from feedback f join agents a on a.tenant_id = f.tenant_id and a.id = f.agent_id
           where f.tenant_id = ${tenantId}::uuid and f.updated_at > now() - make_interval(days => ${days})
           group by f.agent_id, a.name order by a.name`,
    ),
  );
  return rows.map((r) => ({ agentId: r.agent_id, name: r.name, up: Number(r.up), rated: Number(r.rated) }));
}
