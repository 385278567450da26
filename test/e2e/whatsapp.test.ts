/**
 * WhatsApp end to end: the fake Cloud API delivers signed webhooks to the real app, the pipeline
 * answers through POST /{version}/{phone-number-id}/messages. Two tenants, two numbers.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { outboundMessages } from "../../src/db/schema/index.ts";
import { eventually, startTestApp, type TestApp } from "../support/app.ts";
import { DB_KINDS } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { signWebhook, startWhatsAppFake, type WhatsAppFake } from "../support/whatsapp.ts";

const ACME = { id: "100000000000001", token: "EAAG-acme-token", secret: "acme-app-secret" };
const GLOBEX = { id: "200000000000002", token: "EAAG-globex-token", secret: "globex-app-secret" };

describe.each(DB_KINDS)("WhatsApp end to end on %s Postgres", (kind) => {
  let llm: LlmMock;
  let wa: WhatsAppFake;
  let t: TestApp;
  const hook = (channelId: string) => (req: Request) => t.app.http.handle(new Request(`http://localhost/hooks/whatsapp/${channelId}${new URL(req.url).search}`, req));

  beforeAll(async () => {
    llm = await startLlmMock();
    llm.replyAll("Your order is **on its way**.");
    wa = await startWhatsAppFake();
    const channel = (n: typeof ACME) => ({ kind: "whatsapp", name: "wa", phone_number_id: n.id, access_token: n.token, app_secret: n.secret, verify_token: `verify-${n.id}`, graph_url: wa.url });
    t = await startTestApp(kind, {
      llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url }] },
      tenants: [
        { slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/m"], channels: [channel(ACME)] }] },
        { slug: "globex", name: "Globex", agents: [{ slug: "bob", name: "Bob", models: ["mock/m"], channels: [channel(GLOBEX)] }] },
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

  test("GET verification answers the challenge with the right verify token only", async () => {
    const { channelId } = await t.channel("acme", "wa");
    const get = (token: string) => t.app.http.handle(new Request(`http://localhost/hooks/whatsapp/${channelId}?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=42`));
    expect(await (await get(`verify-${ACME.id}`)).text()).toBe("42");
    expect((await get(`verify-${GLOBEX.id}`)).status).toBe(403);
  });

  test("text in → answer out in WhatsApp formatting, threaded; a Meta retry is answered once", async () => {
    const { id, body } = await wa.userSends(ACME.id, "4915100001001", { type: "text", text: { body: "where is my order?" } });
    const [reply] = await wa.waitForSent(ACME.id, "4915100001001", 1);
    expect(reply!.body).toMatchObject({ type: "text", text: { body: "Your order is *on its way*." }, context: { message_id: id } });
    const { channelId } = await t.channel("acme", "wa");
    expect((await wa.deliver(hook(channelId), body, signWebhook(ACME.secret, body))).status).toBe(200);
    await Bun.sleep(300);
    await t.app.gateway.pipeline.idle();
    expect(wa.sent.filter((m) => m.to === "4915100001001")).toHaveLength(1);
    expect(llm.journal().filter((r) => r.lastUser === "where is my order?")).toHaveLength(1);
  });

  test("two numbers of two tenants: each answers only its own users, as its own agent", async () => {
    await wa.userSends(GLOBEX.id, "4915100002002", { type: "text", text: { body: "for globex" } });
    await wa.waitForSent(GLOBEX.id, "4915100002002", 1);
    expect(wa.sent.filter((m) => m.to === "4915100002002" && m.phoneNumberId === ACME.id)).toHaveLength(0);
    expect(String(llm.journal().find((r) => r.lastUser === "for globex")!.messages[0]!.content)).toContain("You are Bob");
  });

  test("a delivery for Globex's number posted to Acme's URL, forged or unsigned, reaches no one", async () => {
    const { channelId } = await t.channel("acme", "wa");
    const cross = wa.payload(GLOBEX.id, { messages: [{ from: "4915100003003", id: "wamid.cross", timestamp: "1", type: "text", text: { body: "cross tenant" } }] });
    expect((await wa.deliver(hook(channelId), cross, signWebhook(ACME.secret, cross))).status).toBe(200);
    expect((await wa.deliver(hook(channelId), cross, signWebhook(GLOBEX.secret, cross))).status).toBe(401);
    expect((await wa.deliver(hook(channelId), cross)).status).toBe(401);
    expect((await t.app.http.handle(new Request("http://localhost/hooks/whatsapp/00000000-0000-4000-8000-000000000000", { method: "POST", body: cross }))).status).toBe(404);
    await Bun.sleep(300);
    await t.app.gateway.pipeline.idle();
    expect(llm.journal().some((r) => r.lastUser === "cross tenant")).toBe(false);
  });

  test("delivery statuses are recorded on our outbox row", async () => {
    await wa.userSends(ACME.id, "4915100004004", { type: "text", text: { body: "status please" } });
    const [reply] = await wa.waitForSent(ACME.id, "4915100004004", 1);
    await t.app.gateway.pipeline.idle();
    const { tenantId } = await t.channel("acme", "wa");
    const status = async () =>
      (await t.app.db.withTenant(tenantId, (tx) => tx.select({ s: outboundMessages.deliveryStatus }).from(outboundMessages).where(eq(outboundMessages.externalId, reply!.id))))[0];
    await eventually(async () => (await status()) !== undefined, 10_000, "the outbox row records the reply's wamid");
    expect(await wa.statusOf(ACME.id, reply!.id, "delivered", "4915100004004")).toBe(200);
    await eventually(async () => (await status())?.s === "delivered");
    expect(await wa.statusOf(ACME.id, reply!.id, "read", "4915100004004")).toBe(200);
    await eventually(async () => (await status())?.s === "read");
  });
});
