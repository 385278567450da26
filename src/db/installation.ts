/**
 * This deployment's identity: one random id in the database, made by the first process that asks
 * and read by every replica after it. Shared services outside the database (Redis) name this
 * deployment's keys and channels with it, so two deployments on one Redis never share a
 * concurrency cap or hear each other's configuration notices.
 */
import { installation } from "./schema/index.ts";
import type { Database } from "./database.ts";

export async function installationId(db: Database): Promise<string> {
  return db.platform(async (tx) => {
    // Replicas starting together race here: the first insert wins, the others read its row.
    await tx.insert(installation).values({}).onConflictDoNothing();
    const [row] = await tx.select({ id: installation.id }).from(installation);
    return row!.id;
  });
}

/** The prefix of every Redis key and channel of this deployment. */
export const redisNamespace = (id: string) => `konstruct:${id}:`;
