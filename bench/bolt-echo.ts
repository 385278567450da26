/**
 * The baseline of bench:pipeline: the smallest useful Slack bot — @slack/bolt verifying the
 * signature, acknowledging, and answering every app_mention in its thread with chat.postMessage.
 * No storage, no LLM, no dedupe: what the appliance is measured against.
 */
import { App, LogLevel } from "@slack/bolt";

const env = (k: string) => process.env[k] ?? (console.error(`${k} missing`), process.exit(2));
const app = new App({
  token: env("BOT_TOKEN"),
  signingSecret: env("SIGNING_SECRET"),
  clientOptions: { slackApiUrl: env("SLACK_API_URL") },
  logLevel: LogLevel.ERROR,
});
app.event("app_mention", async ({ event, client }) => {
  await client.chat.postMessage({ channel: event.channel, thread_ts: event.thread_ts ?? event.ts, text: "On it — here is the answer." });
});
await app.start(Number(env("PORT")));
console.log("bolt echo ready");
