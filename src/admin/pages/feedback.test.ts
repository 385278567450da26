/**
 * Feedback on answers over HTTP, on both databases: a web chat answer (and the transcript) gets thumbs; rating again
 * replaces the rating (one row); a thumbs-down correction becomes a memory of the agent; the dashboard
 * shows satisfaction; no CSRF header is refused; another tenant cannot rate (or see) the answer.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { type Browser, type ConsoleFixture, consoleFixture } from "../../../test/support/admin.ts";
import { eventually } from "../../../test/support/app.ts";
import { DB_KINDS } from "../../../test/support/db.ts";
import { type LlmMock, startLlmMock } from "../../../test/support/llm.ts";
import { EMBEDDINGS_CONFIG } from "../../../test/support/models.ts";
import { rowsOf } from "../../db/set-sql.ts";
import { agents } from "../../db/schema/index.ts";

describe.each(DB_KINDS)("feedback on %s Postgres", (kind) => {
  let f: ConsoleFixture;
  let s: Record<string, Browser>;
  let llm: LlmMock;
  let adaId: string;
  let answerId: string;

  beforeAll(async () => {
    llm = await startLlmMock({ apiKeys: ["sk-platform"] });
    llm.replyAll("The office opens at 8.");
    f = await consoleFixture(kind, { ...EMBEDDINGS_CONFIG, llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url, api_key: "sk-platform" }] } });
    s = await f.sessions();
    [{ id: adaId }] = (await f.app().db.withTenant(f.acme, (tx) => tx.select({ id: agents.id }).from(agents))) as [{ id: string }];
    expect((await s.operator!.fetch(`/admin/chat/${adaId}/messages?tenant=${f.acme}`, { form: { text: "when does the office open?" } })).status).toBe(200);
    const log = await eventually(async () => {
      const html = await (await s.operator!.fetch(`/admin/chat/${adaId}/log?tenant=${f.acme}`, { headers: { "hx-request": "true" } })).text();
      return html.includes("opens at 8") ? html : null;
    }, 10_000, "the answer");
    answerId = /hx-post="\/admin\/feedback\/([0-9a-f-]{36})/.exec(log)![1]!;
  });
  afterAll(async () => {
    await f.cleanup();
    await llm.stop();
  });

  const rows = () =>
    f.app().db.withTenant(f.acme, (tx) => rowsOf<{ rating: number; correction: string | null; rater: string }>(tx, sql`select rating, correction, rater from feedback`));
  const rateAs = (b: Browser, tenant: string, form: Record<string, string>, csrf?: boolean) =>
    b.fetch(`/admin/feedback/${answerId}?tenant=${tenant}`, { form, headers: { "hx-request": "true" }, ...(csrf === false ? { csrf: false } : {}) });

  test("thumbs up, then re-rated down with a correction: one row, and the agent remembers the correction", async () => {
    const up = await rateAs(s.operator!, f.acme, { rating: "up" });
    expect(up.status).toBe(200);
    expect(await up.text()).toContain('value="up" class="secondary" aria-pressed="true"');
    expect(await rows()).toEqual([{ rating: 1, correction: null, rater: f.userIds.operator }]);
    // The pressed thumb shows when the log is read again.
    const log = await (await s.operator!.fetch(`/admin/chat/${adaId}/log?tenant=${f.acme}`, { headers: { "hx-request": "true" } })).text();
    expect(log).toContain('value="up" class="secondary" aria-pressed="true"');

    const down = await rateAs(s.operator!, f.acme, { rating: "down", correction: "The office opens at 9 on weekdays." });
    expect(down.status).toBe(200);
    expect(await rows()).toEqual([{ rating: -1, correction: "The office opens at 9 on weekdays.", rater: f.userIds.operator }]);
    const memories = await f.app().db.withTenant(f.acme, (tx) => rowsOf<{ agent_id: string; user_key: string; content: string }>(tx, sql`select agent_id, user_key, content from memories`));
    expect(memories).toHaveLength(1);
    expect(memories[0]!.agent_id).toBe(adaId);
    expect(memories[0]!.user_key).toBe("");
    expect(memories[0]!.content).toContain("The correct answer: The office opens at 9 on weekdays.");

    // A second person's rating is a row of its own; the dashboard counts both.
    expect((await rateAs(s.tenantAdmin!, f.acme, { rating: "up" })).status).toBe(200);
    expect(await rows()).toHaveLength(2);
    const dash = await (await s.tenantAdmin!.fetch(`/admin?tenant=${f.acme}`)).text();
    expect(dash).toMatch(/Ada<\/td>\s*<td[^>]*>50%<\/td>\s*<td[^>]*>2<\/td>/);
  });

  test("the transcript page rates the same answer, showing the viewer's own thumb", async () => {
    const [conv] = await f.app().db.withTenant(f.acme, (tx) => rowsOf<{ id: string }>(tx, sql`select id from conversations`));
    const page = await (await s.tenantAdmin!.fetch(`/admin/conversations/${conv!.id}?tenant=${f.acme}`)).text();
    expect(page).toContain(`hx-post="/admin/feedback/${answerId}?tenant=${f.acme}"`);
    expect(page).toContain('value="up" class="secondary" aria-pressed="true"'); // the tenant admin rated up above
    expect((await rateAs(s.tenantAdmin!, f.acme, { rating: "down" })).status).toBe(200);
    const again = await (await s.tenantAdmin!.fetch(`/admin/conversations/${conv!.id}?tenant=${f.acme}`)).text();
    expect(again).toContain('value="down" class="secondary" aria-pressed="true"');
    expect((await rows()).map((r) => r.rating).sort()).toEqual([-1, -1]);
  });

  test("bounds and CSRF: an oversized correction, a bad rating and a missing token are refused", async () => {
    const before = await rows();
    expect((await rateAs(s.operator!, f.acme, { rating: "down", correction: "x".repeat(2001) })).status).toBe(400);
    expect((await rateAs(s.operator!, f.acme, { rating: "meh" })).status).toBe(400);
    expect((await rateAs(s.operator!, f.acme, { rating: "up" }, false)).status).toBe(403);
    expect(await rows()).toEqual(before);
  });

  test("another tenant cannot rate the answer, by its own scope or by naming the tenant", async () => {
    const before = await rows();
    expect((await rateAs(s.otherAdmin!, f.globex, { rating: "down", correction: "hijack" })).status).toBe(404);
    expect((await rateAs(s.otherAdmin!, f.acme, { rating: "down", correction: "hijack" })).status).toBe(403);
    expect(await rows()).toEqual(before);
    const globexRows = await f.app().db.withTenant(f.globex, (tx) => rowsOf(tx, sql`select 1 from feedback`));
    expect(globexRows).toHaveLength(0);
  });
});
