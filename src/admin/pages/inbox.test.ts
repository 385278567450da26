/**
 * The console inbox at HTTP level, on both databases, two tenants with a Telegram bot each: a user
 * types /human; acme's operator sees it waiting, and of the operator and the tenant admin pressing
 * *Take it* at once one wins and the other sees who; only the owner's reply reaches the user in
 * Telegram, exactly once even when the form is sent twice; a note is never sent; the polled
 * conversation answers 204 until something changes; Resolve (with its note) and Return to AI end
 * human mode (the AI answers again); globex's admin can neither see nor act on acme's handoff.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { createUser } from "../accounts/users.ts";
import { auditLog, cannedReplies, conversations, handoffNotes, handoffs, messages } from "../../db/schema/index.ts";
import { HUMAN_TEXT } from "../../handoff/chat.ts";
import { type Browser, browser, PASSWORD, signIn, tenantAdmins } from "../../../test/support/admin.ts";
import { eventually, startTestApp, type TestApp } from "../../../test/support/app.ts";
import { DB_KINDS } from "../../../test/support/db.ts";
import { type LlmMock, startLlmMock } from "../../../test/support/llm.ts";
import { startTelegramShim, type TelegramShim } from "../../../test/support/telegram.ts";

describe.each(DB_KINDS)("console inbox on %s Postgres", (kind) => {
  let llm: LlmMock;
  let tg: TelegramShim;
  let t: TestApp;
  const tenant: Record<string, string> = {};
  let admin: Browser;
  let ops: Browser;
  let other: Browser;
  const agent = (slug: string, token: string) => ({ slug, name: slug, models: ["mock/m"], channels: [{ kind: "telegram", name: "tg", bot_token: token, api_root: tg.apiRoot }] });

  beforeAll(async () => {
    llm = await startLlmMock();
    tg = await startTelegramShim({ bots: [{ username: "AcmeBot" }, { username: "GlobexBot" }] });
    t = await startTestApp(kind, {
      llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url, timeout_ms: 5000 }] },
      tenants: [
        { slug: "acme", name: "Acme", agents: [agent("ada", tg.bots[0]!.token)] },
        { slug: "globex", name: "Globex", agents: [agent("gus", tg.bots[1]!.token)] },
      ],
    });
    tenant.acme = (await t.channel("acme", "tg")).tenantId;
    tenant.globex = (await t.channel("globex", "tg")).tenantId;
    const admins = await tenantAdmins(() => t.app, ["acme", "globex"]);
    admin = await admins.acme.browser();
    other = await admins.globex.browser();
    await createUser(t.app.db, { email: "ops@acme.test", password: PASSWORD, role: "operator", tenantId: tenant.acme });
    ops = await signIn(browser(() => t.app), "ops@acme.test");
  }, 60_000);
  afterAll(async () => {
    await t.cleanup();
    await tg.stop();
    await llm.stop();
  });

  const acmeBot = () => tg.bots[0]!.token;
  const page = async (b: Browser, path: string) => {
    const res = await b.fetch(path, { headers: { accept: "text/html" } });
    return [res.status, await res.text()] as const;
  };
  const post = (b: Browser, id: string, action: string, form: Record<string, string> = {}, tenantId = tenant.acme) =>
    b.fetch(`/admin/inbox/${id}/${action}?tenant=${tenantId}`, { form, headers: { accept: "text/html" } });
  const flashOf = (res: Response) => new URL(res.headers.get("location") ?? "/", "http://x").searchParams.get("flash");
  async function humanFrom(chatId: number): Promise<string> {
    await tg.userSends(chatId, "/human", { token: acmeBot() });
    await eventually(() => tg.botReplies(chatId, acmeBot()).find((r) => r.visible === HUMAN_TEXT.escalated), 10_000, "/human answered");
    const [row] = await t.app.db.withTenant(tenant.acme!, (tx) =>
      tx.select({ id: handoffs.id }).from(handoffs).innerJoin(conversations, eq(conversations.id, handoffs.conversationId)).where(and(eq(handoffs.status, "waiting"), eq(conversations.chatKey, String(chatId)))));
    return row!.id;
  }

  test("waiting → two take it at once, one wins → owner replies once through Telegram → note stays inside → resolve", async () => {
    const id = await humanFrom(7201);
    const [status, inbox] = await page(ops, `/admin/inbox?tenant=${tenant.acme}`);
    expect(status).toBe(200);
    expect(inbox).toContain(`href="/admin/inbox/${id}?tenant=${tenant.acme}"`);
    expect(inbox).toMatch(/waiting 0 min/);
    expect(inbox).toContain('hx-trigger="every 3s"');
    expect(inbox).toContain('href="/admin/inbox"'); // the nav link
    const list = await (await ops.fetch(`/admin/inbox/list?tenant=${tenant.acme}&tab=waiting`, { headers: { "hx-request": "true" } })).text();
    expect(list).toStartWith('<div id="inbox-list"');
    expect(list).toContain(id);

    // CSRF like every form; then both press Take it at once.
    expect((await ops.fetch(`/admin/inbox/${id}/take?tenant=${tenant.acme}`, { method: "POST", csrf: false })).status).toBe(403);
    const [a, b] = await Promise.all([post(ops, id, "take"), post(admin, id, "take")]);
    expect([flashOf(a), flashOf(b)].sort()).toEqual(["handoff_already_taken", "handoff_taken"]);
    const [row] = await t.app.db.withTenant(tenant.acme!, (tx) => tx.select().from(handoffs).where(eq(handoffs.id, id)));
    const [owner, loser] = row!.owner === "console:ops@acme.test" ? [ops, admin] : [admin, ops];
    const ownerName = row!.owner === "console:ops@acme.test" ? "ops" : "admin";
    const [, seen] = await page(loser, `/admin/inbox/${id}?tenant=${tenant.acme}`);
    expect(seen).toContain(`taken by ${row!.owner}`);
    expect(seen).not.toContain('name="nonce"'); // no reply box for the one who lost
    const [, mine] = await page(owner, `/admin/inbox?tenant=${tenant.acme}&tab=mine`);
    expect(mine).toContain(id);

    // The loser cannot reply; the owner's reply goes out once, even when the form is sent twice.
    expect(flashOf(await post(loser, id, "reply", { text: "not me", nonce: crypto.randomUUID() }))).toBe("handoff_not_owner");
    const form = { text: "Your order 4711 ships today.", nonce: crypto.randomUUID() };
    expect(flashOf(await post(owner, id, "reply", form))).toBe("handoff_replied");
    expect(flashOf(await post(owner, id, "reply", form))).toBe("handoff_replied");
    const line = `${ownerName} (human): Your order 4711 ships today.`;
    await eventually(() => tg.botReplies(7201, acmeBot()).find((r) => r.visible === line), 10_000, "human reply in Telegram");
    await Bun.sleep(200);
    expect(tg.botReplies(7201, acmeBot()).filter((r) => r.visible === line)).toHaveLength(1);
    expect(tg.botReplies(7201, acmeBot()).filter((r) => r.visible.includes("not me"))).toHaveLength(0);
    expect((await post(owner, id, "reply", { text: "", nonce: crypto.randomUUID() })).status).toBe(400);

    // The polled view: 204 while nothing changed; a user's message (held) changes it.
    const [, view] = await page(owner, `/admin/inbox/${id}?tenant=${tenant.acme}`);
    const live = /hx-get="(\/admin\/inbox\/[^"]+\/live[^"]+)"/.exec(view)![1]!.replaceAll("&amp;", "&");
    expect((await owner.fetch(live, { headers: { "hx-request": "true" } })).status).toBe(204);
    await tg.userSends(7201, "thanks, and the invoice?", { token: acmeBot() });
    const changed = await eventually(async () => {
      const res = await owner.fetch(live, { headers: { "hx-request": "true" } });
      return res.status === 200 ? res.text() : undefined;
    }, 10_000, "live view changed");
    expect(changed).toStartWith('<div id="handoff-live"');
    expect(changed).toContain("thanks, and the invoice?");
    expect(changed).toContain(line);

    // An internal note: on the page, never in Telegram or the conversation.
    expect(flashOf(await post(loser, id, "note", { text: "VIP customer, be quick" }))).toBe("handoff_noted");
    const [, withNote] = await page(owner, `/admin/inbox/${id}?tenant=${tenant.acme}`);
    expect(withNote).toContain("VIP customer, be quick");
    expect(tg.botReplies(7201, acmeBot()).filter((r) => r.visible.includes("VIP"))).toHaveLength(0);
    expect(await t.app.db.withTenant(tenant.acme!, (tx) => tx.select().from(messages).where(eq(messages.content, "VIP customer, be quick")))).toHaveLength(0);

    // An operator who does not own it cannot close it; the owner resolves with a note, once.
    if (loser === ops) expect(flashOf(await post(ops, id, "resolve", { note: "x" }))).toBe("handoff_not_owner");
    expect(flashOf(await post(owner, id, "resolve", { note: "Shipped; invoice mailed." }))).toBe("handoff_resolved");
    expect(flashOf(await post(owner, id, "return"))).toBe("handoff_closed_already");
    // The AI resumes knowing what was decided; the note itself never reached the user.
    llm.on({ lastUser: "anything else?" }, { text: "All settled." });
    await tg.userSends(7201, "anything else?", { token: acmeBot() });
    await eventually(() => tg.botReplies(7201, acmeBot()).find((r) => r.visible === "All settled."), 10_000, "AI answers after resolve");
    const prompt = llm.journal().filter((r) => r.lastUser === "anything else?").at(-1)!;
    expect(JSON.stringify(prompt.messages)).toContain("Shipped; invoice mailed.");
    expect(JSON.stringify(prompt.messages)).toContain(line);
    expect(tg.botReplies(7201, acmeBot()).filter((r) => r.visible.includes("invoice mailed"))).toHaveLength(0);
    const [, resolved] = await page(ops, `/admin/inbox?tenant=${tenant.acme}&tab=resolved`);
    expect(resolved).toContain(id);
    const [, closedView] = await page(ops, `/admin/inbox/${id}?tenant=${tenant.acme}`);
    expect(closedView).toContain("Resolution note: Shipped; invoice mailed.");
    expect(closedView).not.toContain("Take it");
    const steps = await t.app.db.withTenant(tenant.acme!, (tx) => tx.select({ data: auditLog.data, actor: auditLog.actor }).from(auditLog).where(eq(auditLog.kind, "handoff")));
    const mineSteps = steps.filter((s) => (s.data as { handoff?: string }).handoff === id).map((s) => (s.data as { step: string }).step);
    expect(mineSteps).toEqual(expect.arrayContaining(["escalated", "taken", "replied", "note", "resolved"]));
    // The measures: time to the first reply (once, not per reply) and to the close.
    const exposed = await t.app.metrics.registry.metrics();
    expect(exposed).toContain('konstruct_handoff_first_reply_seconds_count{source="command"} 1');
    expect(exposed).toContain('konstruct_handoff_closed_seconds_count{source="command",how="resolved"} 1');
  });

  test("Return to AI: the AI answers the chat again", async () => {
    const id = await humanFrom(7202);
    expect(flashOf(await post(ops, id, "take"))).toBe("handoff_taken");
    expect(flashOf(await post(ops, id, "return"))).toBe("handoff_returned");
    llm.on({ lastUser: "back to you" }, { text: "Ada here again." });
    await tg.userSends(7202, "back to you", { token: acmeBot() });
    await eventually(() => tg.botReplies(7202, acmeBot()).find((r) => r.visible === "Ada here again."), 10_000, "AI answers again");
  });

  test("a waiting handoff can be returned by anyone; a tenant admin may close what someone else owns", async () => {
    const id = await humanFrom(7203);
    expect(flashOf(await post(ops, id, "take"))).toBe("handoff_taken");
    expect(flashOf(await post(admin, id, "resolve", { note: "took over" }))).toBe("handoff_resolved");
    const id2 = await humanFrom(7204);
    expect(flashOf(await post(ops, id2, "return"))).toBe("handoff_returned");
  });

  test("canned replies: tenant admins write them, the owner inserts one into the reply box and sends it; nothing crosses tenants", async () => {
    const canned = (b: Browser, form: Record<string, string>, tenantId = tenant.acme) => b.fetch(`/admin/inbox/canned?tenant=${tenantId}`, { form, headers: { accept: "text/html" } });
    expect((await canned(admin, { title: "Shipping", body: "Orders ship within 2 working days." })).status).toBe(303);
    expect((await canned(other, { title: "Shipping", body: "Globex ships on Mondays." }, tenant.globex)).status).toBe(303); // same title, other tenant
    const bad = await canned(admin, { title: "Shipping", body: "again" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("another canned reply has this title");
    expect((await canned(admin, { title: "Empty", body: "  " })).status).toBe(400);
    expect((await canned(admin, { title: "x".repeat(81), body: "long title" })).status).toBe(400);
    // Operators use them but do not write them; another tenant's admin cannot touch acme's.
    expect((await page(ops, `/admin/inbox/canned?tenant=${tenant.acme}`))[0]).toBe(403);
    expect((await canned(ops, { title: "Ops", body: "no" })).status).toBe(403);
    const [, list] = await page(admin, `/admin/inbox/canned?tenant=${tenant.acme}`);
    expect(list).toContain("Orders ship within 2 working days.");
    expect(list).not.toContain("Globex ships");
    const [row] = await t.app.db.withTenant(tenant.acme!, (tx) => tx.select().from(cannedReplies));
    expect((await other.fetch(`/admin/inbox/canned/${row!.id}/delete?tenant=${tenant.globex}`, { form: {}, headers: { accept: "text/html" } })).status).toBe(404);
    expect((await other.fetch(`/admin/inbox/canned/${row!.id}/delete?tenant=${tenant.acme}`, { form: {}, headers: { accept: "text/html" } })).status).toBe(403);
    // Edit in place (?edit= fills the one form), then the owner of a handoff inserts it after what they typed.
    expect((await page(admin, `/admin/inbox/canned?tenant=${tenant.acme}&edit=${row!.id}`))[1]).toContain(`name="id" value="${row!.id}"`);
    expect((await canned(admin, { id: row!.id, title: "Shipping", body: "Orders ship within 1 working day." })).status).toBe(303);
    const id = await humanFrom(7206);
    expect(flashOf(await post(ops, id, "take"))).toBe("handoff_taken");
    const [, view] = await page(ops, `/admin/inbox/${id}?tenant=${tenant.acme}`);
    expect(view).toContain('<select id="f-canned" name="canned">');
    expect(view).toContain(`<option value="${row!.id}">Shipping</option>`);
    expect(view).toContain('hx-select="#f-reply"');
    const box = await (await ops.fetch(`/admin/inbox/${id}?tenant=${tenant.acme}&canned=${row!.id}&text=${encodeURIComponent("Hello!")}`, { headers: { "hx-request": "true" } })).text();
    const draft = /<textarea id="f-reply"[^>]*>([^<]*)<\/textarea>/.exec(box)![1]!;
    expect(draft).toBe("Hello!\n\nOrders ship within 1 working day.");
    expect(flashOf(await post(ops, id, "reply", { text: draft, nonce: crypto.randomUUID() }))).toBe("handoff_replied");
    await eventually(() => tg.botReplies(7206, acmeBot()).find((r) => r.visible.includes("Orders ship within 1 working day.")), 10_000, "canned reply in Telegram");
    // globex's canned reply is not offered on acme's handoff; deleting leaves the menu empty.
    expect(view).not.toContain("Globex ships");
    expect((await admin.fetch(`/admin/inbox/canned/${row!.id}/delete?tenant=${tenant.acme}`, { form: {}, headers: { accept: "text/html" } })).status).toBe(303);
    expect((await page(ops, `/admin/inbox/${id}?tenant=${tenant.acme}`))[1]).not.toContain('id="f-canned"');
    const steps = await t.app.db.withTenant(tenant.acme!, (tx) => tx.select({ summary: auditLog.summary }).from(auditLog).where(eq(auditLog.kind, "handoff")));
    expect(steps.map((s) => s.summary)).toEqual(expect.arrayContaining(["canned reply added: Shipping", "canned reply changed: Shipping", "canned reply removed: Shipping"]));
    expect(await t.app.db.withTenant(tenant.globex!, (tx) => tx.select().from(cannedReplies))).toHaveLength(1);
  });

  test("tenant B can neither see nor act on tenant A's handoff", async () => {
    const id = await humanFrom(7205);
    expect((await page(other, `/admin/inbox?tenant=${tenant.acme}`))[0]).toBe(403);
    expect((await page(other, `/admin/inbox/${id}?tenant=${tenant.acme}`))[0]).toBe(403);
    expect((await page(other, `/admin/inbox/${id}?tenant=${tenant.globex}`))[0]).toBe(404);
    expect((await page(other, `/admin/inbox/${id}/live?tenant=${tenant.globex}`))[0]).toBe(404);
    const [own, theirs] = await page(other, `/admin/inbox?tenant=${tenant.globex}&tab=all`);
    expect(own).toBe(200);
    expect(theirs).not.toContain(id);
    expect(theirs).not.toMatch(/(?<![\w-])7205(?![\w-])/); // not inside a UUID, whose hex may hold those digits
    for (const action of ["take", "note", "resolve", "return"]) {
      expect((await post(other, id, action, { text: "x", note: "x" }, tenant.acme)).status).toBe(403);
      expect((await post(other, id, action, { text: "x", note: "x" }, tenant.globex)).status).toBe(404);
    }
    const [row] = await t.app.db.withTenant(tenant.acme!, (tx) => tx.select().from(handoffs).where(eq(handoffs.id, id)));
    expect(row).toMatchObject({ status: "waiting", owner: null });
    expect(await t.app.db.withTenant(tenant.acme!, (tx) => tx.select().from(handoffNotes).where(eq(handoffNotes.handoffId, id)))).toHaveLength(0);
    // Not signed in: sent to the login page.
    expect((await browser(() => t.app).fetch(`/admin/inbox?tenant=${tenant.acme}`, { headers: { accept: "text/html" } })).status).toBe(302);
  });
});
