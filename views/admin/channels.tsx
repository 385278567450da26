/** @jsxImportSource @kitajs/html */
/** Channels: the tenant's connections, and the Slack / Telegram / WhatsApp connect forms (secrets never shown). */
import { VoiceRepliesChoice } from "./channel-voice.tsx";
import type { ConnectionTest } from "../../src/admin/channels/test-connection.ts";
import type { Scope } from "./scope.ts";
import type { Agent, Channel } from "../../src/db/schema/index.ts";
import { WhatsAppFields, WhatsAppSteps } from "./channels-whatsapp.tsx";
import { Choice, Secret, Text } from "./fields.tsx";
import { Csrf, type FieldErrors, Flash } from "./form.tsx";
import { VersionField } from "./versioned.tsx";
import type { Page } from "./page.ts";
import { Empty, NoTenant, PageHead, Pager } from "./parts.tsx";

const KIND_LABEL: Record<string, string> = { slack: "Slack", telegram: "Telegram", whatsapp: "WhatsApp", webchat: "Web chat", terminal: "Terminal" };

export function ChannelList(props: { scope: Scope; channels: Page<Channel & { agentName: string }>; agents: number; flash?: string }): JSX.Element {
  const q = `?tenant=${props.scope.tenantId}`;
  return (
    <section>
      <PageHead title="Channels" scope={props.scope} action="/admin/channels">
        {props.scope.tenantId && props.agents ? (
          <span class="actions">
            <a href={`/admin/channels/new${q}&kind=telegram`}>Connect Telegram</a>
            <a href={`/admin/channels/new${q}&kind=slack`}>Connect Slack</a>
            <a href={`/admin/channels/new${q}&kind=whatsapp`}>Connect WhatsApp</a>
          </span>
        ) : ""}
      </PageHead>
      <Flash message={props.flash} />
      {!props.scope.tenantId ? (
        <NoTenant />
      ) : props.agents === 0 ? (
        <Empty>
          <p>A channel connects an AI employee to Slack, Telegram or WhatsApp. <a href="/admin/agents/new">Design an AI employee</a> first.</p>
        </Empty>
      ) : props.channels.rows.length === 0 && props.channels.page === 1 ? (
        <Empty>
          <p>No channel yet: <a href={`/admin/channels/new${q}&kind=telegram`}>connect a Telegram bot</a> or <a href={`/admin/channels/new${q}&kind=slack`}>a Slack app</a>.</p>
        </Empty>
      ) : (
        <div class="table-wrap">
          <table>
            <thead><tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Mode</th><th scope="col">AI employee</th></tr></thead>
            <tbody>
              {props.channels.rows.map((c) => (
                <tr>
                  <td>{c.kind === "slack" || c.kind === "telegram" || c.kind === "whatsapp" ? <a href={`/admin/channels/${c.id}${q}`} safe>{c.name}</a> : c.kind === "widget" ? <a href={`/admin/agents/${c.agentId}/widget${q}`} safe>{c.name}</a> : <span safe>{c.name}</span>}</td>
                  <td safe>{KIND_LABEL[c.kind] ?? c.kind}</td>
                  <td safe>{c.mode}</td>
                  <td safe>{c.agentName}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager base="/admin/channels" params={{ tenant: props.scope.tenantId ?? undefined }} page={props.channels.page} hasNext={props.channels.hasNext} />
        </div>
      )}
    </section>
  );
}

export type ChannelKind = "slack" | "telegram" | "whatsapp";

export interface ChannelFormProps {
  csrf: string;
  tenantId: string;
  id: string;
  kind: ChannelKind;
  channel: Channel | null;
  agents: Agent[];
  values: Record<string, string>;
  errors?: FieldErrors;
  /** Masked stored secrets, by field. */
  stored: Record<string, string>;
  hookUrl: string;
  publicUrlSet: boolean;
  manifest?: string;
  flash?: string;
  flashError?: boolean;
}

function FeedbackChoice(p: ChannelFormProps): JSX.Element {
  const options = [{ value: "off", label: "Off" }, { value: "on", label: "On: 👍 / 👎 under every answer" }];
  return <Choice name="feedback" label="Feedback buttons" values={p.values} errors={p.errors} options={options} hint="People rate answers; the dashboard shows satisfaction per AI employee" />;
}

export function ChannelFormView(p: ChannelFormProps): JSX.Element {
  const q = `?tenant=${p.tenantId}`;
  const action = p.channel ? `/admin/channels/${p.id}${q}` : `/admin/channels${q}`;
  const agentOptions = [{ value: "", label: "— choose —" }, ...p.agents.map((a) => ({ value: a.id, label: a.name }))];
  return (
    <section class="card">
      <h1>{p.channel ? <span safe>{p.channel.name}</span> : `Connect ${KIND_LABEL[p.kind]}`}</h1>
      <Flash message={p.flash} error={p.flashError} />
      {p.channel?.source === "config" ? <p class="muted">Declared in konstruct.config.yaml: the file wins at the next start.</p> : ""}
      {p.kind === "slack" ? <SlackSteps {...p} /> : p.kind === "whatsapp" ? <WhatsAppSteps {...p} /> : <TelegramSteps />}
      <form method="post" action={action} class="stack wide">
        <Csrf token={p.csrf} />
        <input type="hidden" name="kind" value={p.kind} />
        <input type="hidden" name="id" value={p.id} />
        {p.channel ? <VersionField value={p.values.version} error={p.errors?.version} /> : ""}
        <Text name="name" label="Name" values={p.values} errors={p.errors} required hint="Short id (a-z, 0-9, -), e.g. support-bot" />
        <Choice name="agent_id" label="AI employee answering here" values={p.values} errors={p.errors} options={agentOptions} />
        {p.kind === "slack" ? (
          <>
            <Choice name="mode" label="Mode" values={p.values} errors={p.errors} options={[{ value: "events", label: "Events API (needs a public URL)" }, { value: "socket", label: "Socket Mode (works behind NAT)" }]} />
            <Secret name="bot_token" label="Bot token (xoxb-…)" values={{}} errors={p.errors} stored={p.stored.bot_token} />
            <Secret name="signing_secret" label="Signing secret" values={{}} errors={p.errors} stored={p.stored.signing_secret} hint="Basic Information → App Credentials" />
            <Secret name="app_token" label="App-level token (xapp-…, Socket Mode only)" values={{}} errors={p.errors} stored={p.stored.app_token} />
            <Text name="api_url" label="Slack API URL" values={p.values} errors={p.errors} hint="Leave empty for https://slack.com/api/" />
            <Text name="team_id" label="Workspace (team) id" values={p.values} errors={p.errors} hint="Optional: events from any other workspace are refused" />
            <FeedbackChoice {...p} />
            <VoiceRepliesChoice {...p} />
          </>
        ) : p.kind === "whatsapp" ? (
          <WhatsAppFields {...p} />
        ) : (
          <>
            <Choice name="mode" label="Mode" values={p.values} errors={p.errors} options={[{ value: "polling", label: "Long polling (works behind NAT)" }, { value: "webhook", label: "Webhook (needs a public URL)" }]} />
            <Secret name="bot_token" label="Bot token (from @BotFather)" values={{}} errors={p.errors} stored={p.stored.bot_token} />
            <Secret name="webhook_secret" label="Webhook secret (webhook mode)" values={{}} errors={p.errors} stored={p.stored.webhook_secret} hint="Any random string; Telegram sends it with every delivery" />
            <Text name="api_root" label="Bot API root" values={p.values} errors={p.errors} hint="Leave empty for https://api.telegram.org" />
            <Choice name="groups" label="In groups" values={p.values} errors={p.errors} options={[{ value: "mention", label: "Answer when mentioned or replied to" }, { value: "all", label: "Answer every message" }, { value: "off", label: "Ignore groups" }]} />
            <FeedbackChoice {...p} />
            <VoiceRepliesChoice {...p} />
          </>
        )}
        <div class="actions">
          <button type="submit">{p.channel ? "Save and restart" : "Connect"}</button>
          <a href={`/admin/channels${q}`}>Cancel</a>
          {p.channel ? <a href={`/admin/history/channel/${p.id}${q}`}>History</a> : ""}
        </div>
      </form>
      {p.channel ? (
        <>
          <h2>Test connection</h2>
          <p class="actions">
            <button type="button" class="secondary" hx-post={`/admin/channels/${p.id}/test${q}`} hx-target="#connection-test" hx-swap="innerHTML">
              Test connection
            </button>
          </p>
          <div id="connection-test" aria-live="polite"></div>
          <form method="post" action={`/admin/channels/${p.id}/delete${q}`}>
            <Csrf token={p.csrf} />
            <button type="submit" class="secondary">Delete channel</button>
          </form>
        </>
      ) : ""}
    </section>
  );
}

function SlackSteps(p: ChannelFormProps): JSX.Element {
  return (
    <>
      <ol>
        <li>At api.slack.com/apps choose <em>Create New App → From a manifest</em> and paste the manifest below.</li>
        <li>Install the app to the workspace; copy the <em>Bot User OAuth Token</em> and the <em>Signing Secret</em> into this form.</li>
      </ol>
      <p>
        Request URL: <code safe>{p.hookUrl}</code>
        {p.publicUrlSet ? "" : <span class="muted"> — set server.public_url so Slack can reach it, or use Socket Mode.</span>}
      </p>
      <details>
        <summary>Slack app manifest (YAML)</summary>
        <pre class="code" safe>{p.manifest ?? ""}</pre>
      </details>
    </>
  );
}

function TelegramSteps(): JSX.Element {
  return (
    <ol>
      <li>In Telegram, talk to @BotFather: <code>/newbot</code>, pick a name, copy the token it gives you.</li>
      <li>Paste the token below. Long polling works anywhere; a webhook needs server.public_url.</li>
    </ol>
  );
}

export function ConnectionTestResult(props: { result: ConnectionTest }): JSX.Element {
  return props.result.ok ? <p class="flash" role="status" safe>{`✓ ${props.result.detail}`}</p> : <p class="flash error" role="alert" safe>{`✗ ${props.result.error}`}</p>;
}
