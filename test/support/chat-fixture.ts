/** A tenant with an agent "ada" and a Slack channel, and inbound events to hang turns on. */
import { afterAll, beforeAll } from "bun:test";
import type { Database } from "../../src/db/database.ts";
import { type DbKind, openTestDatabase, type TestDatabase } from "./db.ts";
import { agents, channels, inboundEvents, tenants } from "../../src/db/schema/index.ts";

export interface ChatFixture {
  tenantId: string;
  agentId: string;
  channelId: string;
  /** A new inbound event of the channel (messages reference it only loosely, outbound strictly). */
  event(): Promise<string>;
}

export async function seedChat(db: Database, slug: string): Promise<ChatFixture> {
  const [tenant] = await db.platform((tx) => tx.insert(tenants).values({ slug, name: slug.toUpperCase() }).returning({ id: tenants.id }));
  const tenantId = tenant!.id;
  const [agentId, channelId] = await db.withTenant(tenantId, async (tx) => {
    const [a] = await tx.insert(agents).values({ tenantId, slug: "ada", name: "Ada" }).returning({ id: agents.id });
    const [c] = await tx.insert(channels).values({ tenantId, agentId: a!.id, kind: "slack", name: "s", mode: "events", secrets: new Uint8Array([1]) }).returning({ id: channels.id });
    return [a!.id, c!.id];
  });
  let seq = 0;
  const event = () =>
    db.withTenant(tenantId, async (tx) => {
      const [e] = await tx.insert(inboundEvents).values({ tenantId, channelId, eventKey: `${slug}-${++seq}`, message: {} }).returning({ id: inboundEvents.id });
      return e!.id;
    });
  return { tenantId, agentId: agentId!, channelId: channelId!, event };
}

/** The fixture on a fresh test database of `kind`, opened before a describe block's tests and dropped after. */
export function chatFixture(kind: DbKind, slug: string): ChatFixture & { t: TestDatabase } {
  const f = {} as ChatFixture & { t: TestDatabase };
  beforeAll(async () => {
    f.t = await openTestDatabase(kind);
    Object.assign(f, await seedChat(f.t.db, slug));
  });
  afterAll(() => f.t.cleanup());
  return f;
}
