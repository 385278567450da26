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
import { t, tText } from "../../src/i18n/i18n.ts";

const KIND_LABEL: Record<string, string> = { slack: "Slack", telegram: "Telegram", whatsapp: "WhatsApp", terminal: "Terminal" };
const kindLabel = (kind: string): string => (kind === "webchat" ? t("channels.kindWebchat") : (KIND_LABEL[kind] ?? kind));

export function ChannelList(props: { scope: Scope; channels: Page<Channel & { agentName: string }>; agents: number; flash?: string }): JSX.Element {
  const q = `?tenant=${props.scope.tenantId}`;
  return (
    <section>
      <PageHead title={t("nav.channels")} scope={props.scope} action="/admin/channels">
        {props.scope.tenantId && props.agents ? (
          <span class="actions">
            <a href={`/admin/channels/new${q}&kind=telegram`}>{t("agents.connectTelegram")}</a>
            <a href={`/admin/channels/new${q}&kind=slack`}>{t("agents.connectSlack")}</a>
            <a href={`/admin/channels/new${q}&kind=whatsapp`}>{t("channels.connectWhatsapp")}</a>
          </span>
        ) : ""}
      </PageHead>
      <Flash message={props.flash} />
      {!props.scope.tenantId ? (
        <NoTenant />
      ) : props.agents === 0 ? (
        <Empty>
          <p>{t("channels.aChannelConnectsAnAi")}{" "}<a href="/admin/agents/new">{t("channels.designAnAiEmployee")}</a> first.</p>
        </Empty>
      ) : props.channels.rows.length === 0 && props.channels.page === 1 ? (
        <Empty>
          <p>{t("channels.noChannelYet")}{" "}<a href={`/admin/channels/new${q}&kind=telegram`}>{t("channels.connectATelegramBot")}</a>{" "}{t("error.or")}{" "}<a href={`/admin/channels/new${q}&kind=slack`}>{t("channels.aSlackApp")}</a>.</p>
        </Empty>
      ) : (
        <div class="table-wrap">
          <table>
            <thead><tr><th scope="col">{t("common.name")}</th><th scope="col">{t("audit.kind")}</th><th scope="col">{t("channels.mode")}</th><th scope="col">{t("dashboard.aiEmployee")}</th></tr></thead>
            <tbody>
              {props.channels.rows.map((c) => (
                <tr>
                  <td>{c.kind === "slack" || c.kind === "telegram" || c.kind === "whatsapp" ? <a href={`/admin/channels/${c.id}${q}`} safe>{c.name}</a> : c.kind === "widget" ? <a href={`/admin/agents/${c.agentId}/widget${q}`} safe>{c.name}</a> : <span safe>{c.name}</span>}</td>
                  <td safe>{kindLabel(c.kind)}</td>
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
  const options = [{ value: "off", label: t("channels.feedbackOff") }, { value: "on", label: t("channels.feedbackOn") }];
  return <Choice name="feedback" label={t("channels.feedbackButtons")} values={p.values} errors={p.errors} options={options} hint={t("channels.peopleRateAnswersTheDashboard")} />;
}

export function ChannelFormView(p: ChannelFormProps): JSX.Element {
  const q = `?tenant=${p.tenantId}`;
  const action = p.channel ? `/admin/channels/${p.id}${q}` : `/admin/channels${q}`;
  const agentOptions = [{ value: "", label: "— choose —" }, ...p.agents.map((a) => ({ value: a.id, label: a.name }))];
  return (
    <section class="card">
      <h1>{p.channel ? <span safe>{p.channel.name}</span> : `${t("channels.connectKind")} ${kindLabel(p.kind)}`}</h1>
      <Flash message={p.flash} error={p.flashError} />
      {p.channel?.source === "config" ? <p class="muted">{t("agents.declaredInKonstructConfigYaml")}</p> : ""}
      {p.kind === "slack" ? <SlackSteps {...p} /> : p.kind === "whatsapp" ? <WhatsAppSteps {...p} /> : <TelegramSteps />}
      <form method="post" action={action} class="stack wide">
        <Csrf token={p.csrf} />
        <input type="hidden" name="kind" value={p.kind} />
        <input type="hidden" name="id" value={p.id} />
        {p.channel ? <VersionField value={p.values.version} error={p.errors?.version} /> : ""}
        <Text name="name" label={t("common.name")} values={p.values} errors={p.errors} required hint={t("channels.shortIdAZ0")} />
        <Choice name="agent_id" label={t("channels.aiEmployeeAnsweringHere")} values={p.values} errors={p.errors} options={agentOptions} />
        {p.kind === "slack" ? (
          <>
            <Choice name="mode" label={t("channels.mode")} values={p.values} errors={p.errors} options={[{ value: "events", label: "Events API (needs a public URL)" }, { value: "socket", label: "Socket Mode (works behind NAT)" }]} />
            <Secret name="bot_token" label={t("channels.botTokenXoxb")} values={{}} errors={p.errors} stored={p.stored.bot_token} />
            <Secret name="signing_secret" label={t("channels.signingSecret2")} values={{}} errors={p.errors} stored={p.stored.signing_secret} hint={t("channels.basicInformationAppCredentials")} />
            <Secret name="app_token" label={t("channels.appLevelTokenXappSocket")} values={{}} errors={p.errors} stored={p.stored.app_token} />
            <Text name="api_url" label={t("channels.slackApiUrl")} values={p.values} errors={p.errors} hint={t("channels.leaveEmptyForHttpsSlack")} />
            <Text name="team_id" label={t("channels.workspaceTeamId")} values={p.values} errors={p.errors} hint={t("channels.optionalEventsFromAnyOther")} />
            <FeedbackChoice {...p} />
            <VoiceRepliesChoice {...p} />
          </>
        ) : p.kind === "whatsapp" ? (
          <WhatsAppFields {...p} />
        ) : (
          <>
            <Choice name="mode" label={t("channels.mode")} values={p.values} errors={p.errors} options={[{ value: "polling", label: tText("channels.modePolling") }, { value: "webhook", label: tText("channels.modeWebhook") }]} />
            <Secret name="bot_token" label={t("channels.botTokenFromBotfather")} values={{}} errors={p.errors} stored={p.stored.bot_token} />
            <Secret name="webhook_secret" label={t("channels.webhookSecretWebhookMode")} values={{}} errors={p.errors} stored={p.stored.webhook_secret} hint={t("channels.anyRandomStringTelegramSends")} />
            <Text name="api_root" label={t("channels.botApiRoot")} values={p.values} errors={p.errors} hint={t("channels.leaveEmptyForHttpsApi")} />
            <Choice name="groups" label={t("channels.inGroups")} values={p.values} errors={p.errors} options={[{ value: "mention", label: t("channels.groupsMention") }, { value: "all", label: t("channels.groupsAll") }, { value: "off", label: t("channels.groupsOff") }]} />
            <FeedbackChoice {...p} />
            <VoiceRepliesChoice {...p} />
          </>
        )}
        <div class="actions">
          <button type="submit">{p.channel ? t("channels.saveAndRestart") : t("channels.connect")}</button>
          <a href={`/admin/channels${q}`}>{t("common.cancel")}</a>
          {p.channel ? <a href={`/admin/history/channel/${p.id}${q}`}>{t("agents.history")}</a> : ""}
        </div>
      </form>
      {p.channel ? (
        <>
          <h2>{t("channels.testConnection")}</h2>
          <p class="actions">
            <button type="button" class="secondary" hx-post={`/admin/channels/${p.id}/test${q}`} hx-target="#connection-test" hx-swap="innerHTML">
              {t("channels.testConnection")}
            </button>
          </p>
          <div id="connection-test" aria-live="polite"></div>
          <form method="post" action={`/admin/channels/${p.id}/delete${q}`}>
            <Csrf token={p.csrf} />
            <button type="submit" class="secondary">{t("channels.deleteChannel")}</button>
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
        <li>{t("channels.atApiSlackComApps")}{" "}<em>{t("channels.createNewAppFromA")}</em>{" "}{t("channels.andPasteTheManifestBelow")}</li>
        <li>{t("channels.installTheAppToThe")}{" "}<em>{t("channels.botUserOauthToken")}</em>{" "}{t("channelsWhatsapp.andThe")}{" "}<em>{t("channels.signingSecret")}</em>{" "}{t("channels.intoThisForm")}</li>
      </ol>
      <p>
        {t("channels.requestUrl")}{" "}<code safe>{p.hookUrl}</code>
        {p.publicUrlSet ? "" : <span class="muted">{" "}{t("channels.setServerPublicUrlSo")}</span>}
      </p>
      <details>
        <summary>{t("channels.slackAppManifestYaml")}</summary>
        <pre class="code" safe>{p.manifest ?? ""}</pre>
      </details>
    </>
  );
}

function TelegramSteps(): JSX.Element {
  return (
    <ol>
      <li>{t("channels.inTelegramTalkToBotfather")}{" "}<code>/newbot</code>{t("channels.pickANameCopyThe")}</li>
      <li>{t("channels.pasteTheTokenBelowLong")}</li>
    </ol>
  );
}

export function ConnectionTestResult(props: { result: ConnectionTest }): JSX.Element {
  return props.result.ok ? <p class="flash" role="status" safe>{`✓ ${props.result.detail}`}</p> : <p class="flash error" role="alert" safe>{`✗ ${props.result.error}`}</p>;
}
