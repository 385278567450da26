/**
 * The website chat widget over real HTTP, on both databases, with the LLM mock as the model: a
 * visitor gets a token, sends a message from an allowed origin and polls the reply, which arrives
 * exactly once (a retried message with the same id is one turn); a disallowed or missing origin is
 * refused with a clear error; tenant A's visitor token cannot reach tenant B's widget, nor one
 * visitor another's chat; /human opens a handoff through the same pipeline; replies are escaped
 * HTML; message size and the per-visitor and per-IP limits hold.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { agents, handoffs, inboundEvents } from "../../src/db/schema/index.ts";
import { ADAPTERS } from "../../src/gateway/gateway.ts";
import { HUMAN_TEXT } from "../../src/handoff/chat.ts";
import { replyAsHuman } from "../../src/handoff/reply.ts";
import { takeHandoff } from "../../src/handoff/store.ts";
import { saveWidget } from "../../src/widget/store.ts";
import { tenantIdOf } from "../support/admin.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { DB_KINDS } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";

const SHOP = "https://shop.acme.test";
const GLOBEX_SITE = "https://globex.test";

interface Line {
  id: string;
  from: "visitor" | "agent";
  text?: string;
  html?: string;
}

describe.each(DB_KINDS)("website chat widget on %s Postgres", (kind) => {
  let t: TestApp;
  let llm: LlmMock;
  let base = "";
  const widget: Record<"acme" | "globex", string> = { acme: "", globex: "" };
  const tenant: Record<"acme" | "globex", string> = { acme: "", globex: "" };

  const call = (id: string, what: string, body: unknown, origin: string | null = SHOP) =>
    fetch(`${base}/widget/${id}/${what}`, {
      method: "POST",
      headers: { "content-type": "text/plain;charset=UTF-8", ...(origin ? { origin } : {}) },
      body: JSON.stringify(body),
    });
  const session = async (id = widget.acme, origin = SHOP) => {
    const res = await call(id, "session", {}, origin);
    expect(res.status).toBe(200);
    return ((await res.json()) as { token: string }).token;
  };
  /** Polls until the chat has `agentLines` replies (the server waits while one is pending). */
  const chat = async (token: string, agentLines: number, id = widget.acme, origin = SHOP): Promise<Line[]> => {
    const until = Date.now() + 20_000;
    for (;;) {
      const res = await call(id, "poll", { token }, origin);
      expect(res.status).toBe(200);
      const { lines } = (await res.json()) as { lines: Line[] };
      if (lines.filter((l) => l.from === "agent").length >= agentLines) return lines;
      if (Date.now() > until) throw new Error(`no reply: ${JSON.stringify(lines)}`);
      await Bun.sleep(100);
    }
  };
  const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

  beforeAll(async () => {
    llm = await startLlmMock();
    llm.replyAll("Hello from the shop.");
    llm.on({ lastUser: "opening hours" }, { text: "We open at **9** <script>alert(1)</script>" });
    t = await startTestApp(
      kind,
      {
        server: { host: "127.0.0.1", port: 0 },
        llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url, timeout_ms: 5000 }] },
        widget: { visitor: { capacity: 4, refill_per_sec: 0.001 }, ip: { capacity: 40, refill_per_sec: 0.001 }, max_chars: 500, max_files: 1, max_file_mb: 1 },
        tenants: [
          { slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/m"] }] },
          { slug: "globex", name: "Globex", agents: [{ slug: "gus", name: "Gus", models: ["mock/m"] }] },
        ],
      },
      { listen: true, adapters: { widget: ADAPTERS.widget! } },
    );
    base = `http://127.0.0.1:${t.app.server!.port}`;
    for (const slug of ["acme", "globex"] as const) {
      tenant[slug] = await tenantIdOf(t.app, slug);
      const [agent] = await t.app.db.withTenant(tenant[slug], (tx) => tx.select({ id: agents.id }).from(agents));
      const origins = slug === "acme" ? [SHOP, "http://localhost:3000"] : [GLOBEX_SITE];
      widget[slug] = await saveWidget(t.app.db, t.app.secrets, t.app.gateway.connections, tenant[slug], agent!.id, { origins, enabled: true });
    }
  }, 60_000);
  afterAll(async () => {
    await t?.cleanup();
    await llm?.stop();
  });

  test("the script is served with the widget's id and the appliance's address; an unknown widget is a 404", async () => {
    const res = await fetch(`${base}/widget/${widget.acme}.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("javascript");
    const js = await res.text();
    expect(js).toContain(`"id":"${widget.acme}"`);
    expect(js).toContain(`"base":"${base}"`);
    expect(js).toContain("attachShadow");
    // Small, and nothing from anywhere but the appliance itself (no CDN, no fonts, no images).
    expect(js.length).toBeLessThan(16_000);
    expect(js.match(/https?:\/\/[^"'\s]+/g)?.filter((u) => !u.startsWith(base)) ?? []).toEqual([]);
    expect((await fetch(`${base}/widget/00000000-0000-4000-8000-000000000000.js`)).status).toBe(404);
  });

  test("a message goes through the pipeline and its reply arrives exactly once, escaped; a retry is the same turn", async () => {
    const token = await session();
    const before = llm.journal().length;
    const send = { token, id: "msg-0001-abcd", text: "What are your opening hours?" };
    const res = await call(widget.acme, "messages", send);
    expect(res.status).toBe(202);
    expect(res.headers.get("access-control-allow-origin")).toBe(SHOP);
    expect((await call(widget.acme, "messages", send)).status).toBe(202); // the widget retried: same id
    const lines = await chat(token, 1);
    await Bun.sleep(500);
    const again = await chat(token, 1);
    expect(again.map((l) => l.id)).toEqual(lines.map((l) => l.id));
    expect(lines.map((l) => l.from)).toEqual(["visitor", "agent"]);
    expect(lines[0]!.text).toBe("What are your opening hours?");
    expect(lines[1]!.html).toContain("<b>9</b>");
    expect(lines[1]!.html).toContain("&lt;script&gt;");
    expect(lines[1]!.html).not.toContain("<script>");
    expect(llm.journal().length - before).toBe(1);
    const events = await t.app.db.withTenant(tenant.acme, (tx) => tx.select().from(inboundEvents).where(eq(inboundEvents.channelId, widget.acme)));
    expect(events.filter((e) => (e.message as { text?: string }).text === send.text)).toHaveLength(1);
  });

  test("a disallowed or missing origin is refused with a clear error, before anything is read", async () => {
    const token = await session();
    for (const origin of ["https://evil.test", "https://shop.acme.test:8443", "http://shop.acme.test", null]) {
      const res = await call(widget.acme, "messages", { token, id: "msg-evil-0001", text: "hi" }, origin);
      expect(res.status).toBe(403);
      const err = await errorOf(res);
      expect(err.code).toBe("origin_not_allowed");
      expect(err.message).toContain("not on the chat widget's list of allowed origins");
      expect((await call(widget.acme, "session", {}, origin)).status).toBe(403);
    }
    const pre = await fetch(`${base}/widget/${widget.acme}/messages`, { method: "OPTIONS", headers: { origin: "https://evil.test", "access-control-request-method": "POST" } });
    expect(pre.status).toBe(403);
    expect(pre.headers.get("access-control-allow-origin")).toBeNull();
    const ok = await fetch(`${base}/widget/${widget.acme}/messages`, { method: "OPTIONS", headers: { origin: SHOP, "access-control-request-method": "POST" } });
    expect(ok.status).toBe(204);
    expect(ok.headers.get("access-control-allow-origin")).toBe(SHOP);
  });

  test("two tenants: acme's visitor token cannot reach globex's widget; a forged or another visitor's token reads nothing", async () => {
    const acmeToken = await session();
    const res = await call(widget.globex, "poll", { token: acmeToken }, GLOBEX_SITE);
    expect(res.status).toBe(401);
    expect((await call(widget.globex, "messages", { token: acmeToken, id: "msg-cross-001", text: "hi" }, GLOBEX_SITE)).status).toBe(401);
    // acme's site is not globex's origin either
    expect((await call(widget.globex, "session", {}, SHOP)).status).toBe(403);
    const globexEvents = await t.app.db.withTenant(tenant.globex, (tx) => tx.select().from(inboundEvents));
    expect(globexEvents).toHaveLength(0);
    // Guessing another visitor: a new id with someone else's signature, or a made-up one.
    const other = await session();
    await call(widget.acme, "messages", { token: other, id: "msg-other-001", text: "my secret order 4711" });
    await chat(other, 1);
    const [, mac] = acmeToken.split(".");
    const [otherId] = other.split(".");
    for (const forged of [`${otherId}.${mac}`, `${otherId}.AAAA`, otherId!, "x".repeat(300)]) {
      const r = await call(widget.acme, "poll", { token: forged });
      expect(r.status).toBe(401);
      expect(await r.text()).not.toContain("order 4711");
    }
    const mine = await chat(acmeToken, 0);
    expect(JSON.stringify(mine)).not.toContain("order 4711");
  });

  test("/human in the widget opens a handoff and the visitor gets the handoff message, without a model call", async () => {
    const token = await session();
    const before = llm.journal().length;
    expect((await call(widget.acme, "messages", { token, id: "msg-human-001", text: "/human" })).status).toBe(202);
    const lines = await chat(token, 1);
    expect(lines.at(-1)!.html).toBe(HUMAN_TEXT.escalated);
    expect(llm.journal().length).toBe(before);
    const open = await t.app.db.withTenant(tenant.acme, (tx) => tx.select().from(handoffs).where(eq(handoffs.source, "command")));
    expect(open).toHaveLength(1);
    // A person takes it and answers: the reply reaches the visitor's panel once, as from a person.
    expect(await t.app.db.withTenant(tenant.acme, (tx) => takeHandoff(tx, open[0]!.id, "maria"))).not.toBeNull();
    const reply = { handoffId: open[0]!.id, owner: "maria", name: "Maria", key: "console:1", text: "Hi, Maria here. How can I help?" };
    expect(await replyAsHuman({ db: t.app.db, reach: t.app.gateway }, tenant.acme, reply)).toBe("sent");
    expect(await replyAsHuman({ db: t.app.db, reach: t.app.gateway }, tenant.acme, reply)).toBe("sent");
    const after = await chat(token, 2);
    expect(after.filter((l) => l.html?.includes("Maria (human): Hi, Maria here."))).toHaveLength(1);
    expect(llm.journal().length).toBe(before);
  });

  test("bounded: an oversized message is refused; the visitor's limit and the address's limit answer 429", async () => {
    const token = await session();
    const long = await call(widget.acme, "messages", { token, id: "msg-long-0001", text: "x".repeat(501) });
    expect(long.status).toBe(413);
    expect((await errorOf(long)).message).toContain("500 characters");
    // A message's body has room for its files (1 × 1 MB as base64 here, plus 64 KB); past that it is refused unread.
    const huge = await fetch(`${base}/widget/${widget.acme}/messages`, { method: "POST", headers: { origin: SHOP }, body: "x".repeat(1_500_000) });
    expect(huge.status).toBe(413);
    // Visitor bucket: 4, one spent on the oversized message above.
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(widget.acme, "messages", { token, id: `msg-rate-${i}-0000`, text: `hello ${i}` })).status);
    expect(statuses).toEqual([202, 202, 202, 429]);
    const limited = await call(widget.acme, "messages", { token, id: "msg-rate-x-0000", text: "again" });
    expect(limited.headers.get("retry-after")).toBeTruthy();
    expect((await errorOf(limited)).message).toContain("in this chat");
    // Address bucket (40 for sessions and messages together): new visitors from one address run out.
    let last = 200;
    for (let i = 0; i < 45 && last !== 429; i++) last = (await call(widget.acme, "session", {})).status;
    expect(last).toBe(429);
    const refused = await call(widget.acme, "session", {});
    expect((await errorOf(refused)).message).toContain("from this address");
  });

  test("a disabled widget refuses everything and serves no script", async () => {
    const [agent] = await t.app.db.withTenant(tenant.globex, (tx) => tx.select({ id: agents.id }).from(agents));
    await saveWidget(t.app.db, t.app.secrets, t.app.gateway.connections, tenant.globex, agent!.id, { origins: [GLOBEX_SITE], enabled: false });
    expect((await fetch(`${base}/widget/${widget.globex}.js`)).status).toBe(403);
    const res = await call(widget.globex, "session", {}, GLOBEX_SITE);
    expect(res.status).toBe(403);
    expect((await errorOf(res)).code).toBe("disabled");
  });
});
