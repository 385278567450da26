/**
 * The configuration schema: the single source of truth for every key, its type and default.
 * `konstruct.config.yaml` documents the same keys in prose; `config.test.ts` checks the two agree.
 *
 * Invariants: every object is strict (an unknown key is an error that names the key), and every
 * value that is a credential is listed in SECRET_KEYS so logs and `konstruct config` redact it.
 */
import ipaddr from "ipaddr.js";
import { moneySchema } from "./money.ts";
import { z } from "zod";
import { escalationSchema } from "../escalation/settings.ts";
import { escalationIssues, tenantEscalationSchema } from "../handoff/config.ts";
import { CHAIN_ENTRY, CHAIN_ENTRY_HINT, chainEntry } from "../llm/chain.ts";
import { scopeSchema } from "../scope/settings.ts";

/** Keys whose values are credentials, wherever they appear in the tree. */
export const SECRET_KEYS = new Set([
  "api_key",
  "bot_token",
  "app_token",
  "signing_secret",
  "webhook_secret",
  "access_token",
  "app_secret",
  "secret_access_key",
  "key",
  "password",
  "token",
]);
/** Keys whose values are maps of credentials: every value under them is redacted (tenant secrets, MCP env/headers). */
export const SECRET_MAPS = new Set(["secrets", "env", "headers"]);
/** Keys whose values are URLs that may embed a password (only the userinfo is redacted). */
export const URL_KEYS = new Set(["url", "base_url"]);

export const slug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be 1-63 chars of a-z, 0-9 and '-', starting with a letter or digit");
const nonEmpty = z.string().min(1, "is required");
/** An integer that may arrive as digits in a string (`port: ${PORT:-8080}` interpolates to text). */
const int = () => z.preprocess((v) => (typeof v === "string" && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v), z.number().int());

const slackChannel = z.strictObject({
  kind: z.literal("slack"),
  name: slug,
  /** `events` = Events API over HTTP (needs a public URL); `socket` = Socket Mode (works behind NAT). */
  mode: z.enum(["events", "socket"]).default("events"),
  bot_token: nonEmpty,
  signing_secret: z.string().default(""),
  app_token: z.string().default(""),
  /** Slack Web API base URL (proxies, GovSlack, tests). */
  api_url: z.url().default("https://slack.com/api/"),
  team_id: z.string().default(""),
  /** 👍/👎 buttons under the AI employee's answers (src/feedback). */
  feedback: z.enum(["off", "on"]).default("off"),
  /** Answer a voice note with a voice note (needs media.speech; the text goes with it). */
  voice_replies: z.enum(["off", "on"]).default("off"),
});

const telegramChannel = z.strictObject({
  kind: z.literal("telegram"),
  name: slug,
  mode: z.enum(["polling", "webhook"]).default("polling"),
  bot_token: nonEmpty,
  webhook_secret: z.string().default(""),
  /** Bot API root (a local Bot API server, tests). */
  api_root: z.url().default("https://api.telegram.org"),
  /** In groups: answer only when mentioned or replied to, every message, or never. */
  groups: z.enum(["mention", "all", "off"]).default("mention"),
  /** 👍/👎 inline buttons under the AI employee's answers (src/feedback). */
  feedback: z.enum(["off", "on"]).default("off"),
  /** Answer a voice note with a voice note (needs media.speech; the text goes with it). */
  voice_replies: z.enum(["off", "on"]).default("off"),
});

const whatsappChannel = z.strictObject({
  kind: z.literal("whatsapp"),
  name: slug,
  /** Meta delivers by webhook only (needs server.public_url). */
  mode: z.literal("webhook").default("webhook"),
  phone_number_id: z.string().regex(/^\d{5,20}$/, "is the numeric Phone number ID from WhatsApp > API Setup"),
  business_account_id: z.string().regex(/^\d{0,20}$/, "is numeric").default(""),
  access_token: nonEmpty,
  app_secret: nonEmpty,
  /** Any random string; pasted into Meta's webhook settings so Meta can prove it reached us. */
  verify_token: z.string().min(16, "needs at least 16 characters").max(200),
  api_version: z.string().regex(/^v\d{1,3}\.\d$/, "looks like v21.0").default("v21.0"),
  /** Graph API base URL (tests point it at a fake; a non-default host goes through the SSRF guard). */
  graph_url: z.url().default("https://graph.facebook.com"),
  /** An approved template sent instead of a reply outside the 24-hour window ("" = refuse instead). */
  template_name: z.string().max(512).default(""),
  template_language: z.string().max(20).default("en_US"),
  /** Answer a voice note with a voice note (needs media.speech; the text follows it). */
  voice_replies: z.enum(["off", "on"]).default("off"),
});

export const channelSchema = z.discriminatedUnion("kind", [slackChannel, telegramChannel, whatsappChannel]);

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM (24h)");
const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, "must be an IANA time zone such as Europe/Oslo");

/** The agent's heartbeat (src/heartbeat/): absent = off. The Agent Designer validates with it too. */
export const heartbeatSchema = z.strictObject({
  every_minutes: int().pipe(z.number().min(5).max(1440)).default(30),
  quiet_hours: z.strictObject({ start: hhmm, end: hhmm, tz: timeZone }).optional(),
  /** HEARTBEAT.md: what to look at, what is worth interrupting for. */
  checklist: z.string().max(8000).default(""),
  notify: z.strictObject({ channel: z.string().min(1), chat: z.string().min(1) }).optional(),
});

/**
 * A model chain entry: `provider_id/model` (with ` vision` when it sees images), or the same as
 * `{ model, vision }` — stored as the text form either way (src/llm/chain.ts).
 */
const chainEntrySchema = z.union([
  z.string().regex(CHAIN_ENTRY, CHAIN_ENTRY_HINT),
  z.strictObject({ model: z.string().regex(/^[a-z0-9][a-z0-9-]*\/\S+$/, "must be 'provider_id/model'"), vision: z.boolean().default(false) }).transform(chainEntry),
]);

export const agentSchema = z.strictObject({
  slug,
  name: nonEmpty,
  role: z.string().default(""),
  persona: z.string().default(""),
  instructions: z.string().default(""),
  /** Model chain, first is primary: `provider_id/model`; ` vision` (or `{ model, vision: true }`) marks a model that sees images. */
  models: z.array(chainEntrySchema).default([]),
  channels: z.array(channelSchema).default([]),
  /**
   * Spend caps in USD from the price table, exact to 9 decimals (config/money.ts); 0 = no cap. Each
   * call is bounded by what is left, so the call that crosses a cap is the last one.
   */
  budget: z
    .strictObject({
      daily_usd: moneySchema.default("0"),
      monthly_usd: moneySchema.default("0"),
    })
    .prefault({}),
  /** Token budget for the conversation window sent to the model (system prompt included). */
  context_tokens: int().pipe(z.number().min(256)).default(8000),
  /** Upper bound on model ↔ tool round trips for one inbound message. */
  max_tool_iterations: int().pipe(z.number().min(0).max(32)).default(4),
  /** Skills this agent may use (by name); absent = every skill its tenant has. */
  skills: z.array(z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "must be a skill name")).optional(),
  /** Model chain for background tasks (a stronger model than chat's); empty = `models`. */
  executor_models: z.array(chainEntrySchema).default([]),
  /** Per background task: spend cap in USD (0 = only the agent's caps) and model ↔ tool round trips. */
  task_budget_usd: z.number().min(0).default(0),
  task_max_steps: int().pipe(z.number().min(1).max(200)).default(20),
  heartbeat: heartbeatSchema.optional(),
  /** When to hand over to a human (src/escalation/): guidance for the model, and rules the appliance evaluates. */
  escalation: escalationSchema.optional(),
  /**
   * The business function and allowed topics (src/scope/): in the prompt, and clear off-topic requests
   * declined by the appliance without a model call. Expected for every agent on a WhatsApp channel.
   */
  scope: scopeSchema.optional(),
});

/** An MCP server whose tools the tenant's agents get as `mcp__<name>__<tool>`. */
const mcpServerSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "must be a-z, 0-9 and single '-'"),
  transport: z.enum(["stdio", "http"]),
  /** stdio: the program and its arguments. */
  command: z.string().default(""),
  args: z.array(z.string()).default([]),
  env: z.record(z.string(), z.string()).default({}),
  /** http: the streamable HTTP endpoint. */
  url: z.union([z.url(), z.literal("")]).default(""),
  headers: z.record(z.string(), z.string()).default({}),
  /** Tools that only read (never need on-write approval); every other tool counts as a write. */
  read_only_tools: z.array(z.string()).default([]),
  timeout_ms: int().pipe(z.number().positive()).default(30_000),
});

const bucket = (capacity: number, refill: number) =>
  z
    .strictObject({
      /** Burst size: messages accepted at once. */
      capacity: int().pipe(z.number().positive()).default(capacity),
      /** Sustained rate: tokens added per second. */
      refill_per_sec: z.number().positive().default(refill),
    })
    .prefault({});

const priceSchema = z.strictObject({
  input_per_mtok: z.number().min(0),
  output_per_mtok: z.number().min(0),
});

/** A recurring background task (src/schedules/), upserted by name; results go to `chat` (and `thread`) on `channel`. */
const scheduleSchema = z.strictObject({
  name: slug,
  agent: slug,
  /** The name of one of the tenant's channels. */
  channel: nonEmpty,
  chat: z.string().min(1).max(200),
  thread: z.string().max(200).default(""),
  /** Channel user id shown as the owner (/schedules lists it for them). */
  owner: z.string().max(200).default(""),
  cron: z.string().min(1).max(120),
  time_zone: z.string().min(1).max(64).default("UTC"),
  instruction: z.string().min(1).max(4000),
  missed_runs: z.enum(["run_once", "skip"]).default("run_once"),
  paused: z.boolean().default(false),
});

/** An event trigger (src/triggers/), upserted by name: a signed webhook or an internal event starts a task. */
const triggerSchema = z.strictObject({
  name: slug,
  kind: z.enum(["webhook", "event"]).default("webhook"),
  /** kind `event`: document.ready | approval.decided | task.finished. */
  event: z.enum(["", "document.ready", "approval.decided", "task.finished"]).default(""),
  /** kind `webhook`: github (X-Hub-Signature-256) | timestamped (X-Konstruct-Timestamp/-Signature). */
  scheme: z.enum(["github", "timestamped"]).default("github"),
  /** kind `webhook`: the shared secret the sender signs with (give it as ${ENV}). */
  webhook_secret: z.string().max(500).default(""),
  agent: slug,
  /** The name of one of the tenant's channels, and the chat (and thread) results go to. */
  channel: nonEmpty,
  chat: z.string().min(1).max(200),
  thread: z.string().max(200).default(""),
  /** All must hold: the value at `path` ($.a.b[0]) equals `equals`. */
  filter: z.array(z.strictObject({ path: z.string().min(1).max(200), equals: z.union([z.string().max(500), z.number(), z.boolean(), z.null()]) })).max(20).default([]),
  /** What the task is to do; `{{ $.path }}` inserts a value of the payload (quoted). */
  instruction: z.string().min(1).max(4000),
  paused: z.boolean().default(false),
});

/** A team (src/teams/, docs/teams.md), upserted by slug: a coordinator agent and its specialists. */
const teamSchema = z.strictObject({
  slug,
  name: nonEmpty,
  /** The agent slug that answers and delegates. */
  coordinator: slug,
  specialists: z.array(z.strictObject({ agent: slug, description: z.string().min(1).max(1000) })).max(12).default([]),
  /** Delegations one coordinator turn may make. */
  max_fanout: int().pipe(z.number().min(1).max(10)).default(3),
  /** Channel names (of this tenant) to point at the coordinator. */
  channels: z.array(nonEmpty).max(50).default([]),
});

/** Days to keep, 0 = forever (src/retention/, docs/retention.md). */
const days = () => int().pipe(z.number().min(0).max(36_500));
/** A tenant's retention: each key absent = the platform default (`retention:`). */
const tenantRetentionSchema = z.strictObject({
  messages_days: days().optional(),
  deliveries_days: days().optional(),
  audit_days: days().optional(),
  llm_calls_days: days().optional(),
  files_days: days().optional(),
  memories_days: days().optional(),
});

const tenantSchema = z.strictObject({
  slug,
  name: nonEmpty,
  agents: z.array(agentSchema).default([]),
  /** Credentials skills may use by name ({{secret:NAME}} in tool calls); sealed in the database. */
  secrets: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/, "must be UPPER_SNAKE_CASE"), z.string()).default({}),
  /** Channel user ids (Slack U…, Telegram numeric) that may decide anyone's approvals: tenant admins. */
  approvers: z.array(z.string().min(1)).default([]),
  mcp_servers: z.array(mcpServerSchema).default([]),
  schedules: z.array(scheduleSchema).max(500).default([]),
  triggers: z.array(triggerSchema).max(200).default([]),
  teams: z.array(teamSchema).max(100).default([]),
  retention: tenantRetentionSchema.default({}),
  /** Where its people are told of a handoff, and its canned replies (src/handoff/config.ts, docs/handoff.md). */
  escalation: tenantEscalationSchema.optional(),
});

const providerSchema = z.strictObject({
  id: slug,
  kind: z.enum(["ollama", "openai"]),
  base_url: z.url(),
  api_key: z.string().default(""),
  timeout_ms: int().pipe(z.number().positive()).default(60_000),
  max_concurrency: int().pipe(z.number().positive()).default(8),
});

/**
 * OpenID Connect sign-in. The issuer is fetched through the SSRF guard; the client secret belongs in
 * the environment (`client_secret: ${OIDC_CLIENT_SECRET}`). `mappings` turn a value of `claim`
 * (a string or a list, e.g. the IdP's groups) into a console role; the first that matches wins, and
 * a person none matches is refused. tenant_admin and operator name the tenant by slug.
 */
const oidcSchema = z
  .strictObject({
    /** The button reads "Sign in with <name>". */
    name: z.string().min(1).max(60).default("SSO"),
    issuer: z.url().max(2000),
    client_id: z.string().min(1).max(500),
    client_secret: z.string().max(2000).default(""),
    scopes: z.array(z.string().regex(/^[\x21-\x7e]+$/)).max(20).default(["openid", "email", "profile"]),
    claim: z.string().min(1).max(100).default("groups"),
    mappings: z
      .array(
        z.strictObject({
          value: z.string().min(1).max(500),
          role: z.enum(["platform_admin", "tenant_admin", "operator"]),
          tenant: z.string().max(100).optional(),
        }),
      )
      .min(1)
      .max(200),
  })
  .superRefine((o, ctx) => {
    if (!o.scopes.includes("openid")) ctx.addIssue({ code: "custom", path: ["scopes"], message: "must include openid" });
    o.mappings.forEach((m, i) => {
      if ((m.role === "platform_admin") !== (m.tenant === undefined))
        ctx.addIssue({ code: "custom", path: ["mappings", i, "tenant"], message: "a platform_admin mapping names no tenant; every other role names one" });
    });
  });

export const configSchema = z
  .strictObject({
    data_dir: z.string().min(1).default("./data"),
    server: z
      .strictObject({
        host: z.string().min(1).default("0.0.0.0"),
        port: int().pipe(z.number().min(0).max(65535)).default(8080),
        public_url: z.union([z.url(), z.literal("")]).default(""),
        shutdown_timeout_ms: int().pipe(z.number().positive()).default(10_000),
        /** Peers (IPs) whose X-Forwarded-For / X-Forwarded-Proto are believed (admin cookies, login throttling). */
        trusted_proxies: z.array(z.union([z.ipv4(), z.ipv6()])).default([]),
      })
      .prefault({}),
    log: z
      .strictObject({
        level: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
        /** One line per HTTP request (method, route pattern, status, duration; never a query string or header). */
        access: z.boolean().default(false),
      })
      .prefault({}),
    metrics: z
      .strictObject({
        /** When set, a scrape of /metrics must send `Authorization: Bearer <token>`. */
        token: z.string().max(512).default(""),
        /** When > 0, /metrics is served only on this port (at metrics.host), not on server.port. */
        port: int().pipe(z.number().min(0).max(65535)).default(0),
        host: z.string().min(1).default("127.0.0.1"),
      })
      .prefault({}),
    database: z
      .strictObject({
        /** Empty = embedded PGlite in data_dir; otherwise a postgres:// URL. */
        url: z.string().default(""),
        pool_size: int().pipe(z.number().positive()).default(10),
        /** Attempts to reach an external database before giving up (1 s apart, doubling to 5 s). */
        connect_attempts: int().pipe(z.number().positive()).default(5),
        /** How long a replica's claim on an inbound event holds unrenewed: a killed replica's turns are taken over after it. */
        inbox_lease_ms: int().pipe(z.number().min(1_000).max(3_600_000)).default(120_000),
      })
      .prefault({}),
    redis: z.strictObject({ url: z.string().default("") }).prefault({}),
    secrets: z
      .strictObject({
        /** base64 of 32 random bytes; empty = generated once into data_dir/secret.key. */
        key: z.string().default(""),
      })
      .prefault({}),
    llm: z
      .strictObject({
        providers: z.array(providerSchema).default([]),
        /** USD per million tokens by `provider_id/model`; unlisted models cost 0 (and say so in usage). */
        prices: z.record(z.string(), priceSchema).default({}),
      })
      .prefault({}),
    /** Token buckets for inbound messages; the user gets one polite reply when one runs dry. */
    limits: z
      .strictObject({
        tenant: bucket(120, 2),
        connection: bucket(60, 1),
        user: bucket(10, 0.2),
      })
      .prefault({}),
    // -- memory and knowledge (issue 6) --
    /** Local sentence embeddings (transformers.js) for the knowledge base and long-term memory. */
    embeddings: z
      .strictObject({
        /** Model id: built in (konstruct/use-lite-en) or a folder `<models_dir>/<model>/` in the Hugging Face layout. */
        model: z.string().min(1).default("konstruct/use-lite-en"),
        /** Empty = `<data_dir>/models`. */
        models_dir: z.string().default(""),
        /** 0 = the model's own dimension; otherwise the model must produce exactly this many. */
        dims: int().pipe(z.number().min(0)).default(0),
        /** Let transformers.js download a missing model (off: the appliance is offline by default). */
        allow_remote: z.boolean().default(false),
        /** Texts per model call. Small batches: onnxruntime's memory follows the largest batch (32 held ~175 MB more than 8, and ran slower per text). */
        batch_size: int().pipe(z.number().min(1).max(512)).default(8),
      })
      .prefault({}),
    memory: z
      .strictObject({
        /** Tokens of recalled memories put into the prompt. */
        recall_tokens: int().pipe(z.number().min(0)).default(600),
        /** A conversation idle this long is closed and its facts extracted (0 = only on /new). */
        idle_minutes: int().pipe(z.number().min(0)).default(30),
      })
      .prefault({}),
    /** Knowledge-base uploads: every bound an upload meets before and while it is parsed. */
    knowledge: z
      .strictObject({
        /** One file's largest size; a request carries at most max_files_per_upload, max_upload_total_mb together. */
        max_upload_mb: int().pipe(z.number().min(1).max(1024)).default(25),
        max_upload_total_mb: int().pipe(z.number().min(1).max(4096)).default(50),
        max_files_per_upload: int().pipe(z.number().min(1).max(100)).default(10),
        /** The extraction child is killed past either (the document ends failed with the reason). */
        extract_timeout_ms: int().pipe(z.number().min(1000)).default(60_000),
        extract_max_rss_mb: int().pipe(z.number().min(64)).default(512),
        /** Text of one document, any format. */
        max_text_chars: int().pipe(z.number().min(1000)).default(2_000_000),
        /** DOCX (zip): entries and total uncompressed size, declared and actual. */
        max_zip_entries: int().pipe(z.number().min(1)).default(2000),
        max_unzipped_mb: int().pipe(z.number().min(1)).default(64),
        max_pdf_pages: int().pipe(z.number().min(1)).default(2000),
      })
      .prefault({}),
    // -- end memory and knowledge --
    /** Attachments people send in chat (src/media/): per-kind size limits, checked before and while downloading. */
    media: z
      .strictObject({
        max_image_mb: int().pipe(z.number().min(1).max(100)).default(10),
        max_document_mb: int().pipe(z.number().min(1).max(1024)).default(25),
        max_audio_mb: int().pipe(z.number().min(1).max(1024)).default(25),
        /** Attachments of one message; more are refused. */
        max_files_per_message: int().pipe(z.number().min(1).max(20)).default(5),
        /** Characters of a sent text document put into the user's turn. */
        excerpt_chars: int().pipe(z.number().min(0).max(200_000)).default(8000),
        /** One attachment's download, end to end. */
        download_timeout_ms: int().pipe(z.number().min(1000)).default(30_000),
        /** Voice notes to text through a Whisper-compatible endpoint of one of the LLM providers ("" = off). */
        transcription: z
          .strictObject({
            /** The id of an OpenAI-compatible provider (llm.providers or the console): its base_url and key are used. */
            provider: z.union([slug, z.literal("")]).default(""),
            model: z.string().min(1).max(200).default("whisper-1"),
          })
          .prefault({}),
        /**
         * Voice replies: an answer to a voice note comes back as a voice note too, on channels whose
         * `voice_replies` is on, through an OpenAI-compatible `/audio/speech` endpoint ("" = off).
         */
        speech: z
          .strictObject({
            /** The id of an OpenAI-compatible provider: its base_url, key, timeout and concurrency limit apply. */
            provider: z.union([slug, z.literal("")]).default(""),
            model: z.string().min(1).max(200).default("tts-1"),
            voice: z.string().min(1).max(100).default("alloy"),
            /** Longer answers go out as text only (OpenAI's endpoint takes at most 4096 characters). */
            max_chars: int().pipe(z.number().min(50).max(4096)).default(1500),
            /** The audio is read no further; a larger answer from the endpoint is a failure (text only). */
            max_audio_mb: int().pipe(z.number().min(1).max(25)).default(5),
          })
          .prefault({}),
        /** Attachments kept in S3-compatible object storage instead of data_dir/attachments (src/media/s3-store.ts). */
        s3: z
          .strictObject({
            /** e.g. https://s3.eu-central-1.amazonaws.com or a MinIO URL; through the SSRF guard (security.allow_private_hosts). */
            endpoint: z.url({ protocol: /^https?$/ }),
            bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be an S3 bucket name"),
            region: z.string().min(1).max(50).default("us-east-1"),
            access_key_id: z.string().min(1).max(128),
            secret_access_key: z.string().min(1).max(256),
            prefix: z.string().regex(/^([A-Za-z0-9_-][A-Za-z0-9._-]*\/)*$/, "must be empty or path segments ending in /").max(200).default("attachments/"),
          })
          .optional(),
      })
      .prefault({}),
    /** Free space data_dir keeps: below it /readyz is 503, uploads 507, and `serve` refuses to start. */
    disk: z
      .strictObject({
        min_free_mb: int().pipe(z.number().min(0)).default(64),
      })
      .prefault({}),
    /** Backups (src/backup/): the automatic one `serve` takes before migrating an embedded database. */
    backup: z
      .strictObject({
        /** Before applying pending migrations to an embedded database with data, write data_dir/backups/pre-upgrade-*.tar.gz. */
        pre_upgrade: z.boolean().default(true),
        /** Embedded: write data_dir/backups/scheduled-*.tar.gz this often (hours; 0 = never). */
        every_hours: z.number().min(0).max(8760).default(0),
        /** Archives kept of each kind (pre-upgrade, scheduled); older ones are deleted after a new one is written. */
        keep: int().pipe(z.number().min(1).max(100)).default(3),
      })
      .prefault({}),
    tools: z
      .strictObject({
        http_fetch: z
          .strictObject({
            /** Hosts or CIDRs (`10.0.0.0/8`, `intranet.local`) http_fetch may reach although private. */
            allow_private_hosts: z.array(z.string().min(1)).default([]),
            max_bytes: int().pipe(z.number().positive()).default(1_000_000),
            timeout_ms: int().pipe(z.number().positive()).default(10_000),
            max_redirects: int().pipe(z.number().min(0).max(20)).default(5),
          })
          .prefault({}),
      })
      .prefault({}),
    /** Platform-wide safety settings; config-as-code only (no console form writes them). */
    security: z
      .strictObject({
        /**
         * Host names or CIDRs that configured outbound URLs (LLM providers, Slack api_url, Telegram
         * api_root, MCP servers, Test buttons) may reach although private, e.g. an on-prem Ollama.
         */
        allow_private_hosts: z.array(z.string().min(1).refine((h) => !h.includes("/") || ipaddr.isValidCIDR(h), "must be a host name or a CIDR such as 10.0.0.0/8")).default([]),
      })
      .prefault({}),
    approvals: z
      .strictObject({
        /** A pending approval expires (the model is told) after this long. */
        ttl_minutes: z.preprocess((v) => (typeof v === "string" && v.trim() !== "" ? Number(v) : v), z.number().positive()).default(60),
      })
      .prefault({}),
    /** The OpenAI-compatible API (src/openai/): POST /v1/chat/completions, GET /v1/models. */
    api: z
      .strictObject({
        /** Requests per API key: a token bucket (burst, sustained per second); over it: 429. */
        key: bucket(30, 0.5),
        /** Most entries one request's `messages` may hold. */
        max_messages: int().pipe(z.number().min(1).max(10_000)).default(200),
        /** How long a request waits for the AI employee's answer before a 504 (the turn goes on). */
        timeout_seconds: int().pipe(z.number().min(1).max(3600)).default(120),
      })
      .prefault({}),
    /** The website chat widget (src/widget/, docs/widget.md): per-visitor and per-IP limits, message size. */
    widget: z
      .strictObject({
        /** Messages per visitor: a token bucket (burst, sustained per second); over it: 429. */
        visitor: bucket(6, 0.1),
        /** Messages and new visitors per client IP (all widgets of this appliance). */
        ip: bucket(30, 0.5),
        /** Longest message a visitor may send, in characters. */
        max_chars: int().pipe(z.number().min(1).max(20_000)).default(2000),
        /** Files a visitor may attach to one message (0 = no uploads), and each one's size in MB (also bounded by media:'s per-kind limits). */
        max_files: int().pipe(z.number().min(0).max(5)).default(3),
        max_file_mb: int().pipe(z.number().min(1).max(25)).default(5),
      })
      .prefault({}),
    /** The job engine (pg-boss) for background work: tasks and, later, schedules and triggers. */
    jobs: z
      .strictObject({
        /** How often idle workers look for jobs another replica sent (a local send wakes them at once). */
        poll_seconds: z.number().min(0.5).max(60).default(1),
        /** Tasks running at once per tenant and per agent; more stay queued (visibly) until one ends. */
        tasks_per_tenant: int().pipe(z.number().min(1)).default(5),
        tasks_per_agent: int().pipe(z.number().min(1)).default(5),
        /** Task executors this process runs at once (across tenants). */
        task_workers: int().pipe(z.number().min(1).max(64)).default(8),
      })
      .prefault({}),
    /** Retention (src/retention/): the platform default per kind of data, in days; 0 = keep forever. */
    retention: z
      .strictObject({
        /** Conversation messages (transcripts) older than this; a conversation left empty goes with them. */
        messages_days: days().default(0),
        /** Finished inbound events and sent/failed outbox rows; rows still pending delivery never. */
        deliveries_days: days().default(30),
        /** Audit entries (the retention job is the only deleter besides a person's erasure). */
        audit_days: days().default(0),
        /** Per-call LLM usage rows; the daily aggregates (usage_daily) are kept. */
        llm_calls_days: days().default(90),
        /** Attachments people sent in chat: the rows and their stored bytes (src/media/). */
        files_days: days().default(0),
        /** Long-term memories (facts and summaries) older than this. */
        memories_days: days().default(0),
        /** Rows per DELETE statement: short statements, short locks. */
        batch_rows: int().pipe(z.number().min(100).max(50_000)).default(5000),
        /** Most seconds one daily run spends deleting; what is left waits for the next day. */
        time_budget_seconds: int().pipe(z.number().min(10).max(86_400)).default(600),
      })
      .prefault({}),
    tenants: z.array(tenantSchema).default([]),
    // --- admin console (issue 4) ---
    admin: z
      .strictObject({
        /** Idle lifetime of a console session; each use moves the expiry forward (sliding). */
        session_ttl_hours: z.number().positive().default(12),
        invitation_ttl_hours: z.number().positive().default(72),
        /** Failed logins per account and per client IP within login_window_minutes before 429. */
        login_max_failures: int().pipe(z.number().positive()).default(5),
        login_window_minutes: z.number().positive().default(15),
        /** OpenID Connect sign-in (src/admin/oidc/); absent = passwords only. */
        oidc: oidcSchema.optional(),
      })
      .prefault({}),
    /** Outgoing mail for invitations; empty host = invitation links are shown to the admin instead. */
    smtp: z
      .strictObject({
        host: z.string().default(""),
        port: int().pipe(z.number().min(1).max(65535)).default(587),
        /** true = TLS from the start (port 465); false = STARTTLS when the server offers it. */
        secure: z.boolean().default(false),
        user: z.string().default(""),
        password: z.string().default(""),
        from: z.string().default("konstruct@localhost"),
      })
      .prefault({}),
    // --- end admin console ---
  })
  .superRefine((cfg, ctx) => {
    const dup = (items: string[], path: (string | number)[], what: string) => {
      const seen = new Set<string>();
      items.forEach((v, i) => {
        if (seen.has(v)) ctx.addIssue({ code: "custom", path: [...path, i], message: `duplicate ${what} '${v}'` });
        seen.add(v);
      });
    };
    const providers = new Set(cfg.llm.providers.map((p) => p.id));
    dup(cfg.llm.providers.map((p) => p.id), ["llm", "providers"], "provider id");
    dup(cfg.tenants.map((t) => t.slug), ["tenants"], "tenant slug");
    cfg.tenants.forEach((t, ti) => {
      dup(t.agents.map((a) => a.slug), ["tenants", ti, "agents"], "agent slug");
      dup(t.triggers.map((r) => r.name), ["tenants", ti, "triggers"], "trigger name");
      // Channel names are unique per tenant (the connection's identity in URLs and the admin UI).
      const names = new Set<string>();
      t.agents.forEach((a, ai) =>
        a.channels.forEach((c, ci) => {
          if (names.has(c.name))
            ctx.addIssue({ code: "custom", path: ["tenants", ti, "agents", ai, "channels", ci, "name"], message: `duplicate channel name '${c.name}' in tenant` });
          names.add(c.name);
        }),
      );
      t.agents.forEach((a, ai) => {
        const at = ["tenants", ti, "agents", ai, "heartbeat"];
        if (a.heartbeat && a.models.length === 0) ctx.addIssue({ code: "custom", path: at, message: "a heartbeat needs the agent's models (its first model decides)" });
        if (a.heartbeat?.notify && !names.has(a.heartbeat.notify.channel))
          ctx.addIssue({ code: "custom", path: [...at, "notify", "channel"], message: `no channel named '${a.heartbeat.notify.channel}' in this tenant` });
      });
      dup(t.mcp_servers.map((m) => m.name), ["tenants", ti, "mcp_servers"], "MCP server name");
      t.mcp_servers.forEach((m, mi) => {
        const need = m.transport === "stdio" ? "command" : "url";
        if (!m[need]) ctx.addIssue({ code: "custom", path: ["tenants", ti, "mcp_servers", mi, need], message: `is required for transport ${m.transport}` });
      });
      t.agents.forEach((a, ai) => {
        const at = ["tenants", ti, "agents", ai];
        for (const field of ["models", "executor_models"] as const)
          a[field].forEach((m, mi) => {
            const provider = m.split("/")[0]!;
            if (!providers.has(provider)) ctx.addIssue({ code: "custom", path: [...at, field, mi], message: `unknown provider '${provider}'` });
          });
        a.channels.forEach((c, ci) => {
          const cp = [...at, "channels", ci];
          if (c.kind === "slack" && c.mode === "events" && !c.signing_secret)
            ctx.addIssue({ code: "custom", path: [...cp, "signing_secret"], message: "is required in events mode" });
          if (c.kind === "slack" && c.mode === "socket" && !c.app_token)
            ctx.addIssue({ code: "custom", path: [...cp, "app_token"], message: "is required in socket mode" });
          if (c.kind === "telegram" && c.mode === "webhook" && !c.webhook_secret)
            ctx.addIssue({ code: "custom", path: [...cp, "webhook_secret"], message: "is required in webhook mode" });
        });
      });
      teamIssues(t, ti, ctx);
      escalationIssues(t, ti, ctx);
      t.triggers.forEach((tr, ri) => {
        const at = ["tenants", ti, "triggers", ri];
        if (tr.kind === "webhook" && tr.webhook_secret.length < 16)
          ctx.addIssue({ code: "custom", path: [...at, "webhook_secret"], message: "is required for a webhook trigger (at least 16 characters)" });
        if (tr.kind === "event" && !tr.event) ctx.addIssue({ code: "custom", path: [...at, "event"], message: "is required for an event trigger" });
      });
    });
  });

/** What the foreign keys and the console's checks would refuse, named by key before anything is written. */
function teamIssues(t: z.infer<typeof tenantSchema>, ti: number, ctx: z.RefinementCtx) {
  const agentSlugs = new Set(t.agents.map((a) => a.slug));
  const seenSlug = new Set<string>();
  const dupChannel = new Set<string>();
  const coordinators = new Map<string, number>();
  t.teams.forEach((team, i) => coordinators.has(team.coordinator) || coordinators.set(team.coordinator, i));
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path: ["tenants", ti, "teams", ...path], message });
  t.teams.forEach((team, i) => {
    if (seenSlug.has(team.slug)) issue([i, "slug"], `duplicate team slug '${team.slug}'`);
    seenSlug.add(team.slug);
    if (!agentSlugs.has(team.coordinator)) issue([i, "coordinator"], `unknown agent '${team.coordinator}' in this tenant`);
    else if (coordinators.get(team.coordinator) !== i) issue([i, "coordinator"], `agent '${team.coordinator}' already coordinates another team`);
    const seen = new Set<string>();
    team.specialists.forEach((s, si) => {
      const at = [i, "specialists", si, "agent"];
      if (!agentSlugs.has(s.agent)) issue(at, `unknown agent '${s.agent}' in this tenant`);
      else if (s.agent === team.coordinator) issue(at, "the coordinator cannot also be one of its specialists");
      else if (seen.has(s.agent)) issue(at, `specialist '${s.agent}' is listed twice`);
      else if (coordinators.has(s.agent)) issue(at, `'${s.agent}' coordinates a team of its own (delegation is one level deep)`);
      seen.add(s.agent);
    });
    team.channels.forEach((c, ci) => {
      if (dupChannel.has(c)) issue([i, "channels", ci], `channel '${c}' is already pointed at a team`);
      dupChannel.add(c);
    });
  });
}

export type Config = z.infer<typeof configSchema>;
export type ChannelConfig = z.infer<typeof channelSchema>;
export type ScheduleConfig = z.infer<typeof scheduleSchema>;
export type TriggerConfig = z.infer<typeof triggerSchema>;
export type TeamConfig = z.infer<typeof teamSchema>;
export type ProviderConfig = Config["llm"]["providers"][number];
export type McpServerConfig = z.infer<typeof mcpServerSchema>;
