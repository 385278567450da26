/**
 * Secret scan by crawling: as the platform admin and as a tenant admin, follow every same-site link
 * from /admin (pages, filters, pagination, detail pages, the CSV export) and prove that no seeded
 * credential (Slack bot token, signing secret, app token, Telegram bot token and webhook secret,
 * provider API key — tenant BYO key included) appears in any page, and that every page answers 200.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Browser, type ConsoleFixture, consoleFixture, SEEDED_SECRETS } from "../../../test/support/admin.ts";
import { DB_KINDS } from "../../../test/support/db.ts";
import { tenantLlmProviders } from "../../db/schema/index.ts";

const BYO_KEY = "sk-SEEDED-tenant-byo-key-beef";

async function crawl(b: Browser, start: string, limit = 150): Promise<Map<string, { status: number; body: string }>> {
  const seen = new Map<string, { status: number; body: string }>();
  const queue = [start];
  while (queue.length && seen.size < limit) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    const res = await b.fetch(path, { headers: { accept: "text/html" } });
    const body = await res.text();
    seen.set(path, { status: res.status, body });
    for (const m of body.matchAll(/href="(\/admin[^"#]*)"/g)) {
      const next = m[1]!.replaceAll("&amp;", "&");
      if (!seen.has(next)) queue.push(next);
    }
  }
  return seen;
}

describe.each(DB_KINDS)("crawling the console on %s Postgres", (kind) => {
  let f: ConsoleFixture;
  let sessions: Awaited<ReturnType<ConsoleFixture["sessions"]>>;

  beforeAll(async () => {
    f = await consoleFixture(kind);
    await f.app().db.withTenant(f.acme, (tx) =>
      tx.insert(tenantLlmProviders).values({ tenantId: f.acme, id: "own", kind: "openai", baseUrl: "http://127.0.0.1:9/v1", apiKey: f.app().secrets.seal(BYO_KEY) }),
    );
    sessions = await f.sessions();
  });
  afterAll(() => f.cleanup());

  for (const who of ["platformAdmin", "tenantAdmin"] as const)
    test(`as ${who}: every linked page is 200 and carries no secret`, async () => {
      const pages = await crawl(sessions[who], `/admin?tenant=${f.acme}`);
      // Reached the pages that show stored credentials (channels and providers), not just the list pages.
      expect([...pages.keys()].some((p) => /^\/admin\/channels\/[0-9a-f-]{36}/.test(p))).toBe(true);
      expect([...pages.keys()].some((p) => /^\/admin\/providers\/own/.test(p))).toBe(true);
      // The knowledge base and the approvals queue are linked and crawled too.
      for (const page of ["/admin/knowledge", "/admin/approvals"]) expect([...pages.keys()].some((p) => p.startsWith(page))).toBe(true);
      if (who === "platformAdmin") expect([...pages.keys()].some((p) => p.startsWith("/admin/providers/mock"))).toBe(true);
      const bad = [...pages].filter(([, r]) => r.status !== 200).map(([p, r]) => `${p} → ${r.status}`);
      expect(bad).toEqual([]);
      for (const secret of [...SEEDED_SECRETS, BYO_KEY]) expect([...pages].filter(([, r]) => r.body.includes(secret)).map(([p]) => p)).toEqual([]);
      // Masked, not absent: the admin can tell a credential is stored.
      expect([...pages.values()].some((r) => r.body.includes("••••4f1c"))).toBe(true);
    });
});
