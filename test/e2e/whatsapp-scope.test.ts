/**
 * Business-function scoping through HTTP only: the WhatsApp fake delivers signed webhooks to the
 * real app; two tenants with scoped agents (a dentist's front desk, a bike shop). An off-topic
 * request is declined with the agent's sentence (Acme's own, Globex's the built-in default) while
 * the LLM mock's journal stays untouched, audited as `scope` in that tenant only and counted; an
 * on-topic question and a plain "thanks" reach the model, whose system prompt carries the scope.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { auditLog } from "../../src/db/schema/index.ts";
import { DEFAULT_DECLINE } from "../../src/scope/anchors.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { DB_KINDS } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { EMBEDDINGS_CONFIG } from "../support/models.ts";
import { startWhatsAppFake, type WhatsAppFake } from "../support/whatsapp.ts";

const ACME = { id: "100000000000011", token: "EAAG-acme-scope", secret: "acme-scope-secret" };
const GLOBEX = { id: "200000000000022", token: "EAAG-globex-scope", secret: "globex-scope-secret" };
const ACME_DECLINE = "Sorry, I can only help with appointments and treatments at Bright Smile Dental.";

describe.each(DB_KINDS)("WhatsApp business-function scoping on %s Postgres", (kind) => {
  let llm: LlmMock;
  let wa: WhatsAppFake;
  let t: TestApp;
  let user = 4915100009000;
  const hook = (channelId: string) => (req: Request) => t.app.http.handle(new Request(`http://localhost/hooks/whatsapp/${channelId}${new URL(req.url).search}`, req));

  beforeAll(async () => {
    llm = await startLlmMock();
    llm.replyAll("Happy to help with that.");
    wa = await startWhatsAppFake();
    const channel = (n: typeof ACME) => ({ kind: "whatsapp", name: "wa", phone_number_id: n.id, access_token: n.token, app_secret: n.secret, verify_token: `verify-${n.id}`, graph_url: wa.url });
    t = await startTestApp(kind, {
      ...EMBEDDINGS_CONFIG,
      llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url }] },
      tenants: [
        {
          slug: "acme",
          name: "Acme Dental",
          agents: [
            {
              slug: "ada",
              name: "Ada",
              models: ["mock/m"],
              channels: [channel(ACME)],
              scope: {
                business: "Front desk of Bright Smile Dental, a dental practice: appointments, treatments, prices and insurance.",
                topics: ["booking, moving or cancelling dental appointments", "treatments: cleaning, fillings, whitening", "prices and dental insurance"],
                decline: { en: ACME_DECLINE, de: "Entschuldigung, ich helfe nur bei Terminen und Behandlungen." },
              },
            },
          ],
        },
        {
          slug: "globex",
          name: "Globex Bikes",
          agents: [
            {
              slug: "bob",
              name: "Bob",
              models: ["mock/m"],
              channels: [channel(GLOBEX)],
              scope: { business: "Customer service of Globex Bikes, a bicycle shop: bikes, repairs, parts and rentals.", topics: ["buying a bike", "repairs and servicing", "parts and accessories"] },
            },
          ],
        },
      ],
    });
    for (const [slug, n] of [["acme", ACME], ["globex", GLOBEX]] as const) {
      const { channelId } = await t.channel(slug, "wa");
      wa.addNumber({ phoneNumberId: n.id, token: n.token, appSecret: n.secret, webhookUrl: hook(channelId) });
    }
  });
  afterAll(async () => {
    await t.cleanup();
    await wa.stop();
    await llm.stop();
  });

  /** One user's message in, its reply out; how many model requests it caused. */
  async function say(n: typeof ACME, text: string, from = String(user++)) {
    const before = llm.journal().length;
    const { status } = await wa.userSends(n.id, from, { type: "text", text: { body: text } });
    expect(status).toBe(200);
    const sent = await wa.waitForSent(n.id, from, 1, 30_000);
    await t.app.gateway.pipeline.idle();
    return { reply: String(sent.at(-1)!.body.text.body), calls: llm.journal().length - before };
  }
  const scopeEntries = async (slug: string) => {
    const { tenantId } = await t.channel(slug, "wa");
    return t.app.db.withTenant(tenantId, (tx) => tx.select().from(auditLog).where(eq(auditLog.kind, "scope")));
  };
  const declines = async () => (await t.app.metrics.registry.getSingleMetric("konstruct_scope_declines_total")!.get()).values[0]?.value ?? 0;

  test("an off-topic request is declined with the agent's sentence, no model call, audited in its tenant and counted", async () => {
    const counted = await declines();
    const { reply, calls } = await say(ACME, "Can you write me a poem about the ocean?");
    expect(reply).toBe(ACME_DECLINE);
    expect(calls).toBe(0);
    expect(llm.journal().some((r) => (r.lastUser ?? "").includes("poem"))).toBe(false);
    const [entry] = await scopeEntries("acme");
    expect(entry).toMatchObject({ summary: expect.stringContaining("declined as off-topic") });
    expect(entry!.data).toMatchObject({ decision: "decline", reason: "scored" });
    expect(await scopeEntries("globex")).toEqual([]);
    expect(await declines()).toBe(counted + 1);
  }, 60_000);

  test("an on-topic question reaches the model, whose system prompt carries the scope and the decline sentence", async () => {
    const { reply, calls } = await say(ACME, "Can I book a cleaning appointment next Tuesday?");
    expect(reply).toBe("Happy to help with that.");
    expect(calls).toBe(1);
    const system = String(llm.journal().at(-1)!.messages[0]!.content);
    expect(system).toContain("Business function: Front desk of Bright Smile Dental");
    expect(system).toContain(ACME_DECLINE);
  }, 60_000);

  test("a plain thanks and a message the English model cannot judge go to the model", async () => {
    expect((await say(ACME, "thanks!")).calls).toBe(1);
    expect((await say(ACME, "Schreib mir bitte ein Gedicht über den Sommer")).calls).toBe(1);
  }, 60_000);

  test("the other tenant's agent declines by its own scope with the default sentence; on-topic is answered", async () => {
    const off = await say(GLOBEX, "Who will win the next presidential election?");
    expect(off).toEqual({ reply: DEFAULT_DECLINE, calls: 0 });
    expect(await say(GLOBEX, "How much is a full service for my road bike?")).toEqual({ reply: "Happy to help with that.", calls: 1 });
    expect(String(llm.journal().at(-1)!.messages[0]!.content)).toContain("Globex Bikes");
    expect(await scopeEntries("globex")).toHaveLength(1);
    expect(await scopeEntries("acme")).toHaveLength(1);
  }, 60_000);

  test("a repeated off-topic request in the same chat gets the same sentence, still without the model", async () => {
    const from = String(user++);
    const first = await say(ACME, "Tell me a funny joke about cats", from);
    const before = llm.journal().length;
    await wa.userSends(ACME.id, from, { type: "text", text: { body: "Then help me with my maths homework please" } });
    const sent = await wa.waitForSent(ACME.id, from, 2, 30_000);
    await t.app.gateway.pipeline.idle();
    expect([first.reply, String(sent.at(-1)!.body.text.body)]).toEqual([ACME_DECLINE, ACME_DECLINE]);
    expect(llm.journal().length).toBe(before);
  }, 60_000);
});
