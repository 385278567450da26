/**
 * A rich tenant for export/import tests (src/portability/): every kind of row config as code can
 * write, secrets in every place one can be, and text that mentions `${…}` literally (validate() does not interpolate: the database gets it as written). `globex` is
 * the other tenant, which an import must leave alone.
 */
import { validate } from "../../src/config/load.ts";

export const PROVIDERS = [{ id: "local", kind: "ollama", base_url: "http://127.0.0.1:11434" }];
/** Secret values: none may appear in an export without --with-secrets. */
export const SECRETS = {
  slackBot: "xoxb-acme-slack-bot-token-1",
  slackSigning: "acme-slack-signing-secret-2",
  telegramBot: "123456:acme-telegram-token-3",
  telegramWebhook: "acme-telegram-webhook-secret-4",
  trigger: "acme-trigger-webhook-secret-5",
  crm: "acme-crm-api-secret-6",
  whatsappToken: "EAAG-acme-whatsapp-access-token-7",
  whatsappApp: "acme-whatsapp-app-secret-8",
};

export function richConfig() {
  return validate({
    llm: { providers: PROVIDERS },
    tenants: [
      {
        slug: "acme",
        name: "Acme Dental",
        secrets: { CRM_TOKEN: SECRETS.crm },
        agents: [
          {
            slug: "ada",
            name: "Ada",
            role: "Front desk",
            persona: "Warm and brief.",
            instructions: "Quote ${HOME} literally when asked about shells.\nSecond line.",
            models: ["local/llama3", { model: "local/llava", vision: true }],
            budget: { daily_usd: 1.5, monthly_usd: "20.000000001" },
            context_tokens: 9000,
            max_tool_iterations: 6,
            skills: ["web-search"],
            executor_models: ["local/qwen"],
            task_budget_usd: 2.5,
            task_max_steps: 30,
            heartbeat: { every_minutes: 60, quiet_hours: { start: "22:00", end: "07:00", tz: "Europe/Oslo" }, checklist: "Look at open bookings.", notify: { channel: "acme-slack", chat: "C0123ABCD" } },
            escalation: { guidance: "Hand over angry patients.", rules: [{ name: "angry", when: "sentiment < -0.7", reason: "The patient is upset" }] },
            scope: { business: "Front desk of Acme Dental: bookings and prices", topics: ["bookings", "prices"], decline: { en: "Sorry, only bookings." } },
            channels: [
              { kind: "slack", name: "acme-slack", bot_token: SECRETS.slackBot, signing_secret: SECRETS.slackSigning, team_id: "T0ACME", feedback: "on" },
              { kind: "telegram", name: "acme-telegram", mode: "webhook", bot_token: SECRETS.telegramBot, webhook_secret: SECRETS.telegramWebhook, groups: "all" },
              { kind: "whatsapp", name: "acme-wa", phone_number_id: "1234567890", access_token: SECRETS.whatsappToken, app_secret: SECRETS.whatsappApp, verify_token: "acme-verify-token-0123" },
            ],
          },
          { slug: "bob", name: "Bob", role: "Billing", models: ["local/llama3"] },
        ],
        teams: [{ slug: "front", name: "Front desk", coordinator: "ada", specialists: [{ agent: "bob", description: "Invoices and payments" }], max_fanout: 2 }],
        schedules: [{ name: "daily-report", agent: "ada", channel: "acme-telegram", chat: "-1001234567890", cron: "0 9 * * 1-5", time_zone: "Europe/Oslo", instruction: "Summarise yesterday's bookings." }],
        triggers: [
          { name: "new-lead", scheme: "timestamped", webhook_secret: SECRETS.trigger, agent: "ada", channel: "acme-slack", chat: "C0123ABCD", filter: [{ path: "$.action", equals: "opened" }], instruction: "A lead: {{ $.name }}" },
        ],
        escalation: {
          destination: { channel: "acme-slack", chat: "C0123ABCD", timeout_minutes: 15 },
          next_destinations: [{ channel: "acme-telegram", chat: "-1001234567890" }],
          business_hours: { timezone: "Europe/Oslo", week: { mon: "09:00-17:00", fri: "09:00-12:00, 13:00-16:00" }, holidays: ["2026-12-24"], expected_wait_minutes: 20 },
          canned_replies: [{ title: "Hours", body: "We are open 9-17." }],
        },
      },
      {
        slug: "globex",
        name: "Globex",
        agents: [{ slug: "gus", name: "Gus", models: ["local/llama3"], channels: [{ kind: "slack", name: "globex-slack", bot_token: "xoxb-globex-token", signing_secret: "globex-signing" }] }],
      },
    ],
  });
}

/** The environment an import of acme's placeholders needs. */
export const ACME_ENV: Record<string, string> = {
  KX_ACME_CHANNEL_ACME_SLACK_BOT_TOKEN: SECRETS.slackBot,
  KX_ACME_CHANNEL_ACME_SLACK_SIGNING_SECRET: SECRETS.slackSigning,
  KX_ACME_CHANNEL_ACME_TELEGRAM_BOT_TOKEN: SECRETS.telegramBot,
  KX_ACME_CHANNEL_ACME_TELEGRAM_WEBHOOK_SECRET: SECRETS.telegramWebhook,
  KX_ACME_CHANNEL_ACME_WA_ACCESS_TOKEN: SECRETS.whatsappToken,
  KX_ACME_CHANNEL_ACME_WA_APP_SECRET: SECRETS.whatsappApp,
  KX_ACME_TRIGGER_NEW_LEAD_WEBHOOK_SECRET: SECRETS.trigger,
  KX_ACME_SECRET_CRM_TOKEN: SECRETS.crm,
};
