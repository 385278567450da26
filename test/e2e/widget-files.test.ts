/**
 * Files through the website chat widget over real HTTP, on both databases with two tenants, the LLM
 * mock as a vision model: a visitor's text file and picture go with a message, are kept in acme's
 * attachment store under the visitor and the event, and reach the model as channel attachments do
 * (the document's text in the user's turn, the picture as an `image_url` part); the chat shows the
 * file names. A disguised executable, an oversized file, too many files and bad base64 are refused
 * with a clear error before anything is stored or recorded; globex sees none of it.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { agents, attachments, inboundEvents } from "../../src/db/schema/index.ts";
import { ADAPTERS } from "../../src/gateway/gateway.ts";
import { saveWidget } from "../../src/widget/store.ts";
import { tenantIdOf } from "../support/admin.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { DB_KINDS } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";

const SHOP = "https://shop.acme.test";
const PNG = Uint8Array.from(Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64"));
const EXE = Uint8Array.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, ...new Array(112).fill(0)]);
const NOTES = "Order 4711: two blue mugs, paid by card, to ship on Friday.";
const b64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString("base64");

describe.each(DB_KINDS)("widget file uploads on %s Postgres", (kind) => {
  let t: TestApp;
  let llm: LlmMock;
  let base = "";
  const widget = { acme: "", globex: "" };
  const tenant = { acme: "", globex: "" };
  const call = (what: string, body: unknown) =>
    fetch(`${base}/widget/${widget.acme}/${what}`, { method: "POST", headers: { "content-type": "text/plain;charset=UTF-8", origin: SHOP }, body: JSON.stringify(body) });
  const session = async () => ((await (await call("session", {})).json()) as { token: string }).token;
  const rows = (slug: "acme" | "globex") => t.app.db.withTenant(tenant[slug], (tx) => tx.select().from(attachments));
  const errorOf = async (res: Response) => [res.status, ((await res.json()) as { error: { code: string; message: string } }).error] as const;

  beforeAll(async () => {
    llm = await startLlmMock();
    llm.replyAll("Your order ships on Friday.");
    t = await startTestApp(
      kind,
      {
        server: { host: "127.0.0.1", port: 0 },
        llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url, timeout_ms: 5000 }] },
        widget: { max_files: 2, max_file_mb: 1 },
        tenants: [
          { slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/m vision"] }] },
          { slug: "globex", name: "Globex", agents: [{ slug: "gus", name: "Gus", models: ["mock/m"] }] },
        ],
      },
      { listen: true, adapters: { widget: ADAPTERS.widget! } },
    );
    base = `http://127.0.0.1:${t.app.server!.port}`;
    for (const slug of ["acme", "globex"] as const) {
      tenant[slug] = await tenantIdOf(t.app, slug);
      const [agent] = await t.app.db.withTenant(tenant[slug], (tx) => tx.select({ id: agents.id }).from(agents));
      widget[slug] = await saveWidget(t.app.db, t.app.secrets, t.app.gateway.connections, tenant[slug], agent!.id, { origins: [slug === "acme" ? SHOP : "https://globex.test"], enabled: true });
    }
  }, 180_000);
  afterAll(async () => {
    await t?.cleanup();
    await llm?.stop();
  });

  test("a text file and a picture reach the model like channel attachments, kept under the visitor and the event", async () => {
    const token = await session();
    const before = llm.journal().length;
    const files = [{ name: "order.txt", data: b64(NOTES) }, { name: "mug.png", data: b64(PNG) }];
    expect((await call("messages", { token, id: "files-0001", text: "When does it ship?", files })).status).toBe(202);
    let lines: { from: string; text?: string; files?: string[] }[] = [];
    for (const until = Date.now() + 20_000; !lines.some((l) => l.from === "agent") && Date.now() < until; )
      lines = ((await (await call("poll", { token })).json()) as { lines: typeof lines }).lines;
    expect(lines.map((l) => l.from)).toEqual(["visitor", "agent"]);
    expect(lines[0]).toMatchObject({ text: "When does it ship?", files: ["order.txt", "mug.png"] });

    const sent = llm.journal().slice(before);
    expect(sent).toHaveLength(1);
    const user = sent[0]!.messages.findLast((m) => m.role === "user")!;
    const parts = Array.isArray(user.content) ? (user.content as { type: string; text?: string; image_url?: { url: string } }[]) : [{ type: "text", text: String(user.content) }];
    const text = parts.filter((p) => p.type === "text").map((p) => p.text).join("\n");
    expect(text).toContain('[attached document "order.txt" (text/plain), its text follows]');
    expect(text).toContain(NOTES);
    expect(parts.find((p) => p.type === "image_url")?.image_url?.url).toBe(`data:image/png;base64,${b64(PNG)}`);

    const [event] = await t.app.db.withTenant(tenant.acme, (tx) => tx.select().from(inboundEvents).where(eq(inboundEvents.channelId, widget.acme)));
    const kept = await rows("acme");
    expect(kept.map((r) => [r.name, r.mime, r.kind, r.inboundEventId, r.channelId]).sort()).toEqual([
      ["mug.png", "image/png", "image", event!.id, widget.acme],
      ["order.txt", "text/plain", "document", event!.id, widget.acme],
    ]);
    expect(new Set(kept.map((r) => r.userKey))).toEqual(new Set([(event!.message as { sender: { id: string } }).sender.id]));
    for (const r of kept) expect(existsSync(join(t.dataDir, "attachments", tenant.acme, r.sha256.slice(0, 2), r.sha256))).toBe(true);
    expect(await rows("globex")).toEqual([]);
  });

  test("refused before anything is stored or recorded: a disguised executable, too large, too many, not base64", async () => {
    const token = await session();
    const stored = (await rows("acme")).length;
    const events = async () => (await t.app.db.withTenant(tenant.acme, (tx) => tx.select().from(inboundEvents))).length;
    const recorded = await events();
    const send = (id: string, files: unknown) => call("messages", { token, id, text: "see attached", files });

    const [s1, e1] = await errorOf(await send("refused-0001", [{ name: "order.txt", data: b64(NOTES) }, { name: "receipt.jpg", data: b64(EXE) }]));
    expect([s1, e1.code]).toEqual([415, "unsupported_type"]);
    expect(e1.message).toContain('"receipt.jpg"');
    expect(e1.message).toContain("application/x-msdownload");
    const [s2, e2] = await errorOf(await send("refused-0002", [{ name: "big.txt", data: b64("x".repeat(1024 * 1024 + 10)) }]));
    expect([s2, e2.code, e2.message]).toEqual([413, "too_large", '"big.txt" is larger than 1 MB.']);
    const [s3, e3] = await errorOf(await send("refused-0003", [1, 2, 3].map((i) => ({ name: `n${i}.txt`, data: b64(NOTES) }))));
    expect([s3, e3.code]).toEqual([413, "too_many_files"]);
    const [s4, e4] = await errorOf(await send("refused-0004", [{ name: "x.txt", data: "not base64!" }]));
    expect([s4, e4.code]).toEqual([400, "bad_request"]);

    expect((await rows("acme")).length).toBe(stored);
    expect(await events()).toBe(recorded);
  });
});
