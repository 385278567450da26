/**
 * The `handoff` job queue (src/jobs, pg-boss). `notify` sends a new handoff's notification to the
 * first step of the tenant's escalation chain (notice.ts), tells a user who escalated outside
 * business hours when a person will answer, and, when the step has a timeout, queues a `timeout`
 * job due after that many minutes of *business* time (hours.ts; wall time without hours). `timeout`
 * at step L finds the handoff still waiting at that step: it notifies step L+1 (and queues its
 * timeout) or, at the last step, announces it again there; either way the user is told honestly,
 * once, that it is taking longer. Jobs are `stately` per handoff, step and level, and exactly once
 * by their own rows: outbox keys under origin events derived from the handoff (notice.ts, tellUser).
 */
import type { Logger } from "pino";
import type { Handoff } from "../db/schema/index.ts";
import type { JobEngine } from "../jobs/engine.ts";
import { chainOf } from "./destination.ts";
import type { ExpectedWaitOf } from "./escalate-tool.ts";
import { businessDeadline, isOpen, nextOpening, waitWithin } from "./hours.ts";
import { getHours, hoursOf } from "./hours-store.ts";
import { type NoticeDeps, notify } from "./notice.ts";
import { findHandoff } from "./store.ts";
import { tellUser } from "./tell-user.ts";
import { openingWhen, USER_TEXT } from "./user-text.ts";

export const HANDOFF_QUEUE = "handoff";
export const TIMEOUT_TEXT = USER_TEXT.en.timeout;

type Job = { tenantId: string; handoffId: string; step: "notify" | "timeout"; level?: number };
const SENT = new Set(["notified", "notified again", "notified next"]);

/**
 * For the escalate tool: when a person will answer if the team is out now (in English for the model),
 * or, within the hours, the tenant's expected wait in minutes when it set one; else null.
 */
export async function expectedWait(db: NoticeDeps["db"], tenantId: string, now = new Date()): Promise<ExpectedWaitOf | null> {
  const hours = await getHours(db, tenantId);
  if (!hours) return null;
  const within = waitWithin(hours, now);
  if (within) return { withinMinutes: within };
  const opens = isOpen(hours, now) ? null : nextOpening(hours, now);
  return opens ? { opens: `${openingWhen("en", hours.timezone, opens, now)} (${hours.timezone} time)` } : null;
}

export function defineHandoffJobs(engine: Pick<JobEngine, "define" | "send">, deps: NoticeDeps, log: Logger) {
  const send = (job: Job, startAfter?: number) =>
    engine.send(HANDOFF_QUEUE, job, { singletonKey: `${job.step}:${job.handoffId}${job.level ? `:${job.level}` : ""}`, ...(startAfter ? { startAfter } : {}) });

  /** Queues step `level`'s timeout, counted in the tenant's business time. */
  async function timeoutAfter(job: Job, level: number, minutes: number): Promise<void> {
    if (minutes <= 0) return;
    const hours = await getHours(deps.db, job.tenantId);
    const now = new Date();
    const due = hours ? businessDeadline(hours, now, minutes) : null;
    await send({ tenantId: job.tenantId, handoffId: job.handoffId, step: "timeout", level }, due ? Math.max(1, Math.ceil((due.getTime() - now.getTime()) / 1000)) : minutes * 60);
  }

  engine.define<Job>(HANDOFF_QUEUE, {
    policy: "stately",
    retryLimit: 5,
    retryDelay: 5,
    handler: async (job) => {
      const chain = await deps.db.withTenant(job.tenantId, chainOf);
      if (job.step === "notify") {
        const done = await notify(deps, job.tenantId, job.handoffId);
        log.debug({ handoff: job.handoffId, done }, "handoff notification");
        await tellWait(deps, job.tenantId, job.handoffId);
        if (done === "notified" && chain[0]) await timeoutAfter(job, 0, chain[0].timeoutMinutes);
        return;
      }
      const level = job.level ?? 0;
      const h = await deps.db.withTenant(job.tenantId, (tx) => findHandoff(tx, job.handoffId));
      // Taken, closed, or moved on past this step's next one: nothing is late any more. (level + 1 is this job's own retry.)
      if (!h || h.status !== "waiting" || (h.noticeLevel !== level && h.noticeLevel !== level + 1)) return;
      const next = chain[level + 1];
      const done = await notify(deps, job.tenantId, job.handoffId, next ? { level: level + 1, again: false } : { level, again: true });
      log.debug({ handoff: job.handoffId, done, level }, "handoff timeout");
      if (!SENT.has(done)) return;
      await tellUser(deps, job.tenantId, job.handoffId, "timeout", (lang) => USER_TEXT[lang].timeout);
      if (next) await timeoutAfter(job, level + 1, next.timeoutMinutes);
    },
  });

  /** Told of every new handoff (after it committed). */
  return (h: Handoff) => void send({ tenantId: h.tenantId, handoffId: h.id, step: "notify" }).catch((e) => log.error({ err: e, handoff: h.id }, "could not queue the handoff notification"));
}

/**
 * Outside business hours the user hears when a person will answer ("from Monday 09:00"); within them,
 * when the tenant set an expected wait, that a person usually answers within it — in their own
 * language, once (nothing said without hours, or within them without a wait). Not after the `escalate`
 * tool (the model was told and says it in the user's language), nor within hours after `/human`
 * (its answer said it: chat.ts).
 */
export async function tellWait(deps: NoticeDeps, tenantId: string, handoffId: string): Promise<void> {
  const found = await deps.db.withTenant(tenantId, async (tx) => ({ hours: await hoursOf(tx), h: await findHandoff(tx, handoffId) }));
  const { hours, h } = found;
  if (!hours || !h || h.status !== "waiting" || h.source === "tool") return;
  if (isOpen(hours, h.createdAt)) {
    const within = h.source === "command" ? null : waitWithin(hours, h.createdAt);
    if (within) await tellUser(deps, tenantId, handoffId, "wait", (lang) => USER_TEXT[lang].escalatedWait(within));
    return;
  }
  const opens = nextOpening(hours, h.createdAt);
  if (!opens) return;
  await tellUser(deps, tenantId, handoffId, "wait", (lang) => USER_TEXT[lang].wait(openingWhen(lang, hours.timezone, opens, new Date()), hours.timezone));
}

