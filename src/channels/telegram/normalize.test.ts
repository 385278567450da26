import { describe, expect, test } from "bun:test";
import type { Message, Update } from "grammy/types";
import { chatKeyOf, normalizeUpdate, parseChatKey } from "./normalize.ts";

const bot = { id: 999, username: "KonstructBot" };
const user = { id: 42, is_bot: false, first_name: "Ada", last_name: "Lovelace", username: "ada" };
const privateChat = { id: 42, type: "private", first_name: "Ada" } as const;
const group = { id: -100123, type: "supergroup", title: "Team" } as const;

let nextId = 1;
function update(message: Partial<Message> & Record<string, unknown>, key: "message" | "edited_message" | "channel_post" = "message"): Update {
  const id = nextId++;
  return { update_id: 5000 + id, [key]: { message_id: id, date: 1_700_000_000, chat: privateChat, from: user, ...message } } as unknown as Update;
}

describe("telegram normalize", () => {
  test("a private text message becomes an InboundMessage", () => {
    const u = update({ text: "hello there" });
    const m = normalizeUpdate(u, bot, "mention")!;
    expect(m).toMatchObject({ eventKey: String(u.update_id), chatKey: "42", replyTo: String(u.message!.message_id), text: "hello there", attachments: [] });
    expect(m.sender).toEqual({ id: "42", name: "Ada Lovelace" });
    expect(m.command).toBeUndefined();
    expect(m.receivedAt).toBe("2023-11-14T22:13:20.000Z");
    expect(m.raw).toBe(u);
  });

  test("sender falls back to the username without a name", () => {
    const m = normalizeUpdate(update({ text: "hi", from: { id: 7, is_bot: false, first_name: "", username: "anon" } }), bot, "mention")!;
    expect(m.sender).toEqual({ id: "7", name: "anon" });
  });

  test("known commands are recognised, unknown ones pass through as text", () => {
    for (const c of ["start", "help", "new", "status", "cancel"]) expect(normalizeUpdate(update({ text: `/${c}` }), bot, "mention")!.command).toBe(c);
    const unknown = normalizeUpdate(update({ text: "/weather Berlin" }), bot, "mention")!;
    expect(unknown.command).toBeUndefined();
    expect(unknown.text).toBe("/weather Berlin");
  });

  test("/new@ThisBot is ours, /new@OtherBot is not", () => {
    const ours = normalizeUpdate(update({ chat: group, text: "/new@konstructbot now" }), bot, "mention")!;
    expect(ours.command).toBe("new");
    expect(ours.text).toBe("/new now");
    expect(normalizeUpdate(update({ chat: group, text: "/new@OtherBot" }), bot, "mention")).toBeNull();
    expect(normalizeUpdate(update({ chat: group, text: "/new@OtherBot" }), bot, "all")).toBeNull();
    expect(normalizeUpdate(update({ text: "/status@OtherBot" }), bot, "mention")).toBeNull();
  });

  test("groups under 'mention': unaddressed messages are ignored", () => {
    expect(normalizeUpdate(update({ chat: group, text: "lunch anyone?" }), bot, "mention")).toBeNull();
    expect(normalizeUpdate(update({ chat: group, text: "mail me at x@KonstructBot.example" }), bot, "mention")).toBeNull();
    expect(normalizeUpdate(update({ chat: group, text: "/weather" }), bot, "mention")).toBeNull();
  });

  test("groups under 'mention': a mention is handed on with the mention stripped", () => {
    const m = normalizeUpdate(update({ chat: group, text: "@KonstructBot what is  the status?" }), bot, "mention")!;
    expect(m.text).toBe("what is the status?");
    expect(m.chatKey).toBe("-100123");
    const mid = normalizeUpdate(update({ chat: { ...group, type: "group" }, text: "hey @konstructbot, help" }), bot, "mention")!;
    expect(mid.text).toBe("hey , help");
  });

  test("groups under 'mention': a reply to the bot is handed on, a reply to someone else is not", () => {
    const toBot = { message_id: 1, date: 0, chat: group, from: { id: bot.id, is_bot: true, first_name: "K" }, text: "earlier answer" };
    expect(normalizeUpdate(update({ chat: group, text: "and why?", reply_to_message: toBot } as never), bot, "mention")!.text).toBe("and why?");
    const toOther = { ...toBot, from: { id: 5, is_bot: false, first_name: "Bob" } };
    expect(normalizeUpdate(update({ chat: group, text: "and why?", reply_to_message: toOther } as never), bot, "mention")).toBeNull();
  });

  test("group policy 'all' hands on everything, 'off' nothing", () => {
    expect(normalizeUpdate(update({ chat: group, text: "lunch anyone?" }), bot, "all")!.text).toBe("lunch anyone?");
    expect(normalizeUpdate(update({ chat: group, text: "@KonstructBot hi" }), bot, "all")!.text).toBe("hi");
    expect(normalizeUpdate(update({ chat: group, text: "@KonstructBot hi" }), bot, "off")).toBeNull();
    expect(normalizeUpdate(update({ chat: group, text: "/help" }), bot, "off")).toBeNull();
    expect(normalizeUpdate(update({ text: "private still works" }), bot, "off")).not.toBeNull();
  });

  test("edits, channel posts, bots and service messages are ignored", () => {
    expect(normalizeUpdate(update({ text: "fixed typo" }, "edited_message"), bot, "all")).toBeNull();
    expect(normalizeUpdate(update({ text: "news", chat: { id: -1009, type: "channel", title: "News" } }, "channel_post"), bot, "all")).toBeNull();
    expect(normalizeUpdate(update({ text: "beep", from: { id: 77, is_bot: true, first_name: "Other" } }), bot, "all")).toBeNull();
    expect(normalizeUpdate(update({ chat: group, new_chat_members: [user] } as never), bot, "all")).toBeNull();
    expect(normalizeUpdate({ update_id: 1, callback_query: { id: "1", from: user, chat_instance: "x", data: "y" } } as Update, bot, "all")).toBeNull();
  });

  test("forum topics get their own chatKey; ordinary reply threads do not", () => {
    const topic = normalizeUpdate(update({ chat: { ...group, is_forum: true }, message_thread_id: 17, is_topic_message: true, text: "@KonstructBot hi" } as never), bot, "mention")!;
    expect(topic.chatKey).toBe("-100123:17");
    expect(parseChatKey(topic.chatKey)).toEqual({ chatId: -100123, threadId: 17 });
    expect(parseChatKey("42")).toEqual({ chatId: 42, threadId: undefined });
    const plain = update({ chat: group, message_thread_id: 3, text: "x" });
    expect(chatKeyOf(plain.message!)).toBe("-100123");
  });

  test("attachments: metadata of document, largest photo, audio, voice, video; caption as text", () => {
    const m = normalizeUpdate(
      update({
        caption: "see these",
        document: { file_id: "doc1", file_unique_id: "u1", file_name: "report.pdf", mime_type: "application/pdf", file_size: 1234 },
        photo: [
          { file_id: "small", file_unique_id: "p1", width: 90, height: 60, file_size: 900 },
          { file_id: "large", file_unique_id: "p3", width: 1280, height: 853, file_size: 90_000 },
          { file_id: "medium", file_unique_id: "p2", width: 320, height: 213, file_size: 9000 },
        ],
        audio: { file_id: "aud", file_unique_id: "a", duration: 3, mime_type: "audio/mpeg", file_size: 55 },
        voice: { file_id: "voc", file_unique_id: "v", duration: 2, file_size: 44 },
        video: { file_id: "vid", file_unique_id: "vi", width: 1, height: 1, duration: 1, file_name: "clip.mp4", mime_type: "video/mp4", file_size: 66 },
      } as never),
      bot,
      "mention",
    )!;
    expect(m.text).toBe("see these");
    expect(m.attachments).toEqual([
      { name: "report.pdf", mime: "application/pdf", size: 1234, ref: "doc1" },
      { name: "photo.jpg", mime: "image/jpeg", size: 90_000, ref: "large" },
      { name: "audio", mime: "audio/mpeg", size: 55, ref: "aud" },
      { name: "voice.ogg", mime: "audio/ogg", size: 44, ref: "voc" },
      { name: "clip.mp4", mime: "video/mp4", size: 66, ref: "vid" },
    ]);
    const bare = normalizeUpdate(update({ photo: [{ file_id: "p", file_unique_id: "p", width: 1, height: 1 }] } as never), bot, "mention")!;
    expect(bare.text).toBe("");
    expect(bare.attachments).toHaveLength(1);
  });
});
