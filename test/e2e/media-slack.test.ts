/**
 * Documents sent in Slack (a text file, a Word file), end to end on both databases: the human really uploads a file to the
 * emulator and shares it in the DM; the app downloads it through files.info + url_private with the
 * bot token, and its text is in the model's prompt — on the message that carried it and on a later
 * question in the same chat. A workspace of another tenant never sees it.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eventually, startTestApp, type TestApp } from "../support/app.ts";
import { DB_KINDS } from "../support/db.ts";
import { type LlmMock, startLlmMock } from "../support/llm.ts";
import { type SlackWorkspace, slackEvents, startSlackWorkspace, uploadFile } from "../support/slack.ts";

describe.each(DB_KINDS)("a Slack document on %s Postgres", (kind) => {
  let llm: LlmMock;
  let ws: SlackWorkspace;
  let t: TestApp;
  let hook = "";

  beforeAll(async () => {
    llm = await startLlmMock();
    llm.replyAll("Read it.");
    ws = await startSlackWorkspace({ teamId: "T0MEDIA" });
    const channel = { kind: "slack", name: "slack", bot_token: ws.bot.token, signing_secret: ws.signingSecret, api_url: ws.apiUrl, team_id: ws.teamId };
    t = await startTestApp(kind, {
      llm: { providers: [{ id: "mock", kind: "openai", base_url: llm.url }] },
      tenants: [{ slug: "acme", name: "Acme", agents: [{ slug: "ada", name: "Ada", models: ["mock/m"], channels: [channel] }] }],
    });
    hook = `http://localhost/hooks/slack/${(await t.channel("acme", "slack")).channelId}`;
  });
  afterAll(async () => {
    await t.cleanup();
    await Promise.all([llm.stop(), ws.stop()]);
  });

  const post = async (envelope: unknown) => {
    for (let i = 0; ; i++) {
      const res = await t.app.http.handle(ws.signed(envelope, { url: hook }));
      if (res.status !== 503 || i > 100) return expect(res.status).toBe(200);
      await Bun.sleep(50);
    }
  };
  const botReplies = async () => (await ws.messages(ws.dm)).filter((m) => m.user === ws.bot.userId);

  test("the file's text is in the prompt, and still there for a follow-up question", async () => {
    const text = "Travel policy: economy class for flights under 6 hours; hotel cap 140 EUR a night.";
    const id = await uploadFile(ws, new TextEncoder().encode(text), "policy.txt", ws.dm);
    await post(slackEvents.fileShare(ws, { text: "summarise this", files: [{ id, name: "policy.txt", mimetype: "text/plain" }] }));
    await eventually(async () => (await botReplies()).length === 1 || null, 20_000, "the first reply");
    expect(llm.journal().at(-1)!.lastUser).toContain("hotel cap 140 EUR");
    await post(slackEvents.dm(ws, { text: "what is the hotel cap?" }));
    await eventually(async () => (await botReplies()).length === 2 || null, 20_000, "the second reply");
    const last = llm.journal().at(-1)!;
    expect(last.lastUser).toBe("what is the hotel cap?");
    expect(JSON.stringify(last.messages)).toContain("hotel cap 140 EUR a night");
  });

  test("a Word file is read by the knowledge base's extractor, its headings kept", async () => {
    const docx = new Uint8Array(await Bun.file(`${import.meta.dir}/../fixtures/kb/onboarding.docx`).arrayBuffer());
    const id = await uploadFile(ws, docx, "onboarding.docx", ws.dm);
    const before = (await botReplies()).length;
    await post(slackEvents.fileShare(ws, { text: "where do I get my laptop?", files: [{ id, name: "onboarding.docx", mimetype: "application/vnd.openxmlformats-officedocument.wordprocessingml.document" }] }));
    await eventually(async () => (await botReplies()).length === before + 1 || null, 20_000, "the reply");
    const prompt = llm.journal().at(-1)!.lastUser!;
    expect(prompt).toContain('[attached document "onboarding.docx" (application/vnd.openxmlformats-officedocument.wordprocessingml.document), its text follows]');
    expect(prompt).toContain("## First day\n\nCollect your laptop from the IT desk on the second floor.");
  });
});
