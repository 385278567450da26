import { describe, expect, test } from "bun:test";
import { slackEvents } from "../../../test/support/slack.ts";
import { classify, type SlackEnvelope, type SlackIdentity } from "./normalize.ts";

const ws = {
  teamId: "T0ACME",
  appId: "A0KONST",
  channel: "C0SUPPORT",
  dm: "D0ALICE",
  bot: { userId: "U0BOT", botId: "B0BOT", token: "unused" },
  human: { userId: "U0ALICE", name: "alice", token: "unused" },
};
const me: SlackIdentity = { userId: "U0BOT", botId: "B0BOT", teamId: "T0ACME", appId: "A0KONST" };
const NOW = new Date("2026-12-06T10:00:00Z");
const run = (env: unknown) => classify(env as SlackEnvelope, me, NOW);

describe("reactions", () => {
  test("👍 on our answer is a feedback action naming the message; eventKey = event_id; chat = the channel", () => {
    const env = slackEvents.reaction(ws, { itemTs: "1700000000.000200", reaction: "+1" });
    const c = run(env);
    if (c.kind !== "message") throw new Error(JSON.stringify(c));
    expect(c.message).toMatchObject({ eventKey: env.event_id, chatKey: "D0ALICE", sender: { id: "U0ALICE" }, text: "", action: { id: "fbr:+:add", messageId: "1700000000.000200" } });
  });

  test("thumbs in every spelling and skin tone; removal is its own verb", () => {
    const id = (reaction: string, removed = false) => {
      const c = run(slackEvents.reaction(ws, { itemTs: "1.2", reaction, removed }));
      return c.kind === "message" ? c.message.action?.id : c.kind === "ignored" ? c.reason : c.kind;
    };
    expect(id("thumbsup")).toBe("fbr:+:add");
    expect(id("+1::skin-tone-4")).toBe("fbr:+:add");
    expect(id("-1")).toBe("fbr:-:add");
    expect(id("thumbsdown::skin-tone-2", true)).toBe("fbr:-:remove");
  });

  test("other emoji, someone else's message, our own reaction and a file item are ignored", () => {
    const reason = (o: Parameters<typeof slackEvents.reaction>[1]) => {
      const c = run(slackEvents.reaction(ws, o));
      return c.kind === "ignored" ? c.reason : `taken: ${c.message.action?.id}`;
    };
    expect(reason({ itemTs: "1.2", reaction: "heart" })).toContain("not a rating");
    expect(reason({ itemTs: "1.2", reaction: "+1", itemUser: "U0ALICE" })).toContain("not ours");
    expect(reason({ itemTs: "1.2", reaction: "+1", user: "U0BOT" })).toContain("our own");
    const file = slackEvents.reaction(ws, { itemTs: "1.2", reaction: "+1" });
    (file.event.item as { type: string }).type = "file";
    expect(run(file)).toMatchObject({ kind: "ignored" });
  });
});
