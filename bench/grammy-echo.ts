/**
 * The Telegram baseline of bench:pipeline's conversation scenario: the smallest useful grammY bot —
 * long-polling getUpdates and answering every text message in its chat with sendMessage. No
 * storage, no LLM, no dedupe: what the appliance is measured against.
 */
import { Bot } from "grammy";

const env = (k: string) => process.env[k] ?? (console.error(`${k} missing`), process.exit(2));
const bot = new Bot(env("BOT_TOKEN"), { client: { apiRoot: env("API_ROOT") } });
bot.on("message:text", (ctx) => ctx.reply("On it — here is the answer."));
bot.catch((e) => console.error("grammy echo:", e.message));
void bot.start({ onStart: () => console.log("grammy echo ready") });
