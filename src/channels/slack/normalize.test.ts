import { describe, expect, test } from "bun:test";
import { slackEvents } from "../../../test/support/slack.ts";
import { addressedElsewhere, classify, routeMismatch, type SlackEnvelope, type SlackIdentity } from "./normalize.ts";

const ws = {
  teamId: "T0ACME",
  appId: "A0KONST",
  channel: "C0SUPPORT",
  dm: "D0ALICE",
  bot: { userId: "U0BOT", botId: "B0BOT", token: "unused" },
  human: { userId: "U0ALICE", name: "alice", token: "unused" },
};
const me: SlackIdentity = { userId: "U0BOT", botId: "B0BOT", teamId: "T0ACME", appId: "A0KONST" };
const NOW = new Date("2026-11-22T10:00:00Z");
const run = (env: unknown) => classify(env as SlackEnvelope, me, NOW);

function taken(env: unknown) {
  const c = run(env);
  if (c.kind !== "message") throw new Error(`expected a message, got ${JSON.stringify(c)}`);
  return c;
}

describe("classify", () => {
  test("app_mention: thread of its own, mention stripped, eventKey = event_id", () => {
    const env = slackEvents.appMention(ws, { text: "what is the status of  order 7?", ts: "1700000000.000100" });
    const c = taken(env);
    expect(c.message).toMatchObject({
      eventKey: env.event_id,
      chatKey: "C0SUPPORT:1700000000.000100",
      replyTo: "1700000000.000100",
      sender: { id: "U0ALICE" },
      text: "what is the status of  order 7?",
      attachments: [],
      receivedAt: NOW.toISOString(),
    });
    expect(c.message.command).toBeUndefined();
    expect(c.thread).toEqual({ channel: "C0SUPPORT", threadTs: "1700000000.000100" });
  });

  test("app_mention inside a thread belongs to the thread", () => {
    const c = taken(slackEvents.appMention(ws, { ts: "1700000000.000300", threadTs: "1700000000.000100" }));
    expect(c.message.chatKey).toBe("C0SUPPORT:1700000000.000100");
    expect(c.message.replyTo).toBe("1700000000.000100");
  });

  test("DM top level is the whole DM and is answered top level; a DM thread is its own chat", () => {
    const top = taken(slackEvents.dm(ws, { text: "hi there" }));
    expect(top.message.chatKey).toBe("D0ALICE");
    expect(top.message.replyTo).toBeUndefined();
    const threaded = taken(slackEvents.dm(ws, { threadTs: "1700000000.000100" }));
    expect(threaded.message.chatKey).toBe("D0ALICE:1700000000.000100");
    expect(threaded.message.replyTo).toBe("1700000000.000100");
  });

  test("commands are recognised with or without / or !, and only as the whole text", () => {
    expect(taken(slackEvents.appMention(ws, { text: "new" })).message.command).toBe("new");
    expect(taken(slackEvents.dm(ws, { text: "/status" })).message.command).toBe("status");
    expect(taken(slackEvents.dm(ws, { text: "!Cancel" })).message.command).toBe("cancel");
    expect(taken(slackEvents.dm(ws, { text: "help" })).message.command).toBe("help");
    expect(taken(slackEvents.dm(ws, { text: "help me with this" })).message.command).toBeUndefined();
    expect(taken(slackEvents.dm(ws, { text: "/deploy" })).message.command).toBeUndefined();
  });

  test("Slack markup becomes readable text", () => {
    const text = "see <https://x.io/a|the doc> and <https://y.io> in <#C1|general>, cc <@U2> &lt;b&gt; &amp; <!here>";
    expect(taken(slackEvents.dm(ws, { text })).message.text).toBe("see [the doc](https://x.io/a) and https://y.io in #general, cc @U2 <b> & @here");
  });

  test("a plain thread reply in a channel needs a participation check", () => {
    const c = run(slackEvents.threadReply(ws, { threadTs: "1700000000.000100", text: "and then?" }));
    expect(c).toMatchObject({ kind: "thread", channel: "C0SUPPORT", threadTs: "1700000000.000100", message: { chatKey: "C0SUPPORT:1700000000.000100", text: "and then?" } });
  });

  test("ignored: bots, ourselves, edits, deletes, joins, plain channel chatter, the mention's twin", () => {
    const ignored = (env: unknown) => {
      const c = run(env);
      expect(c.kind).toBe("ignored");
      return c.kind === "ignored" ? c.reason : "";
    };
    expect(ignored(slackEvents.botMessage(ws))).toBe("sent by a bot");
    expect(ignored(slackEvents.ownMessage(ws))).toBe("sent by a bot");
    expect(ignored(slackEvents.dm(ws, { user: "U0BOT" }))).toBe("our own message");
    expect(ignored(slackEvents.messageChanged(ws, { editedTs: "1700000000.000100" }))).toBe("message subtype message_changed");
    const deleted = slackEvents.dm(ws);
    (deleted.event as Record<string, unknown>).subtype = "message_deleted";
    expect(ignored(deleted)).toBe("message subtype message_deleted");
    const joined = slackEvents.channelMessage(ws);
    (joined.event as Record<string, unknown>).subtype = "channel_join";
    expect(ignored(joined)).toBe("message subtype channel_join");
    expect(ignored(slackEvents.channelMessage(ws))).toBe("channel message without a mention");
    expect(ignored(slackEvents.mentionMessage(ws))).toBe("mention (taken from its app_mention event)");
    expect(ignored({ type: "event_callback", event_id: "Ev1", event: { type: "pin_added", user: "U0ALICE" } })).toBe("event type pin_added");
    expect(ignored({ type: "event_callback", event_id: "Ev2", event: { type: "reaction_added", user: "U0ALICE" } })).toBe("reaction :(none): is not a rating");
    expect(ignored({ type: "app_rate_limited" })).toBe("envelope type app_rate_limited");
  });

  test("file_share keeps attachment metadata; thread_broadcast counts as a message", () => {
    const c = taken(slackEvents.fileShare(ws, { text: "here", files: [{ id: "F1", name: "a.png", mimetype: "image/png", size: 42 }, { id: "F2", name: "b.txt" }] }));
    expect(c.message.attachments).toEqual([
      { name: "a.png", mime: "image/png", size: 42, ref: "F1" },
      { name: "b.txt", ref: "F2" },
    ]);
    const broadcast = slackEvents.threadReply(ws, { threadTs: "1700000000.000100" });
    (broadcast.event as Record<string, unknown>).subtype = "thread_broadcast";
    expect(run(broadcast).kind).toBe("thread");
  });

  test("sender name from user_profile; raw keeps the envelope without blocks", () => {
    const env = slackEvents.dm(ws, { text: "x" });
    Object.assign(env.event, { user_profile: { display_name: "Ali", real_name: "Alice Example" }, blocks: [{ type: "rich_text" }] });
    const c = taken(env);
    expect(c.message.sender).toEqual({ id: "U0ALICE", name: "Ali" });
    const raw = c.message.raw as { event_id: string; team_id: string; event: Record<string, unknown> };
    expect(raw.event_id).toBe(env.event_id);
    expect(raw.team_id).toBe("T0ACME");
    expect(raw.event.blocks).toBeUndefined();
    expect(raw.event.text).toBe("x");
  });
});

describe("routeMismatch", () => {
  test("accepts its own team and app, refuses others", () => {
    expect(routeMismatch({ team_id: "T0ACME", api_app_id: "A0KONST" }, me)).toBeNull();
    expect(routeMismatch({ team_id: "T0OTHER", api_app_id: "A0KONST" }, me)).toContain("T0OTHER");
    expect(routeMismatch({ api_app_id: "A0KONST" }, me)).not.toBeNull();
  });

  test("a configured team that disagrees with the token's team matches nothing", () => {
    expect(routeMismatch({ team_id: "T0ACME" }, me, "T0ACME")).toBeNull();
    expect(routeMismatch({ team_id: "T0ACME" }, me, "T0CONFIGURED")).not.toBeNull();
    expect(routeMismatch({ team_id: "T0CONFIGURED" }, me, "T0CONFIGURED")).not.toBeNull();
  });
});

describe("addressedElsewhere", () => {
  test("our app and bot user pass; another app, a missing app id or another bot user's authorization do not", () => {
    expect(addressedElsewhere({ api_app_id: "A0KONST" }, me)).toBeNull();
    expect(addressedElsewhere({ api_app_id: "A0KONST", authorizations: [{ user_id: "U0BOT", is_bot: true }] }, me)).toBeNull();
    expect(addressedElsewhere({ api_app_id: "A0OTHER" }, me)).toContain("A0OTHER");
    expect(addressedElsewhere({}, me)).toContain("(none)");
    expect(addressedElsewhere({ api_app_id: "A0KONST", authorizations: [{ user_id: "U0OTHERBOT", is_bot: true }] }, me)).toContain("U0OTHERBOT");
  });

  test("without a known app id only the authorizations decide", () => {
    const noApp = { ...me, appId: undefined };
    expect(addressedElsewhere({}, noApp)).toBeNull();
    expect(addressedElsewhere({ authorizations: [{ user_id: "U0OTHERBOT" }] }, noApp)).not.toBeNull();
  });
});
