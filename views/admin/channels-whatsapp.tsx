/** @jsxImportSource @kitajs/html */
/**
 * The WhatsApp part of the channel form: where each value is found in Meta's app dashboard, and the
 * callback URL and verify token to paste back there. Secrets are never shown (masked when stored).
 */
import type { Agent } from "../../src/db/schema/index.ts";
import { UnscopedWarning } from "./agent-scope.tsx";
import { VoiceRepliesChoice } from "./channel-voice.tsx";
import { Secret, Text } from "./fields.tsx";
import type { FieldErrors } from "./form.tsx";
import { t } from "../../src/i18n/i18n.ts";

interface Props {
  values: Record<string, string>;
  errors?: FieldErrors;
  stored: Record<string, string>;
  hookUrl: string;
  publicUrlSet: boolean;
  agents: Agent[];
}

export function WhatsAppSteps(p: Props): JSX.Element {
  const agent = p.agents.find((a) => a.id === p.values.agent_id);
  return (
    <>
      {agent && !agent.scope ? <UnscopedWarning /> : ""}
      <ol>
        <li>{t("channelsWhatsapp.atDevelopersFacebookComCreate")}{" "}<em>{t("channelsWhatsapp.business")}</em>{" "}{t("channelsWhatsapp.andAddThe")}{" "}<em>{t("channelsWhatsapp.whatsapp")}</em>{" "}{t("channelsWhatsapp.product")}</li>
        <li>
          {t("channelsWhatsapp.from")}{" "}<em>{t("channelsWhatsapp.whatsappApiSetup")}</em>{" "}{t("channelsWhatsapp.copyThe")}{" "}<em>{t("channelsWhatsapp.phoneNumberId")}</em>{" "}{t("channelsWhatsapp.andThe")}{" "}<em>{t("channelsWhatsapp.whatsappBusinessAccountId")}</em>{t("channelsWhatsapp.permanentToken")}{" "}
          <code>whatsapp_business_messaging</code>{" "}{t("channelsWhatsapp.and")}{" "}<code>whatsapp_business_management</code>.
        </li>
        <li>{t("channelsWhatsapp.from")}{" "}<em>{t("channelsWhatsapp.appSettingsBasic")}</em>{" "}{t("channelsWhatsapp.copyThe")}{" "}<em>{t("channelsWhatsapp.appSecret")}</em>{" "}{t("channelsWhatsapp.itSignsEveryWebhookDelivery")}</li>
        <li>
          {t("channelsWhatsapp.in")}{" "}<em>{t("channelsWhatsapp.whatsappConfigurationWebhook")}</em>{" "}{t("channelsWhatsapp.pasteTheCallbackUrl")}{" "}<code safe>{p.hookUrl}</code>{" "}{t("channelsWhatsapp.andTheVerifyTokenBelow")}{" "}<code>messages</code>{t("channelsWhatsapp.field") === "." ? "" : " "}{t("channelsWhatsapp.field")}
          {p.publicUrlSet ? "" : <span class="muted">{" "}{t("channelsWhatsapp.setServerPublicUrlFirst")}</span>}
        </li>
      </ol>
      <p class="muted">{t("channelsWhatsapp.whatsappAllowsBusinessSpecificAssistants")}</p>
    </>
  );
}

export function WhatsAppFields(p: Props): JSX.Element {
  return (
    <>
      <input type="hidden" name="mode" value="webhook" />
      <Text name="phone_number_id" label={t("channelsWhatsapp.phoneNumberId")} values={p.values} errors={p.errors} hint={t("channelsWhatsapp.whatsappApiSetupWebhooksFor")} />
      <Text name="business_account_id" label={t("channelsWhatsapp.whatsappBusinessAccountId")} values={p.values} errors={p.errors} />
      <Secret name="access_token" label={t("channelsWhatsapp.accessTokenSystemUserPermanent")} values={{}} errors={p.errors} stored={p.stored.access_token} />
      <Secret name="app_secret" label={t("channelsWhatsapp.appSecret")} values={{}} errors={p.errors} stored={p.stored.app_secret} hint={t("channelsWhatsapp.appSettingsBasic")} />
      <Text name="verify_token" label={t("channelsWhatsapp.verifyToken")} values={p.values} errors={p.errors} hint={t("channelsWhatsapp.pasteThisIntoMetaS")} />
      <Text name="template_name" label={t("channelsWhatsapp.templateOutsideThe24Hour")} values={p.values} errors={p.errors} hint={t("channelsWhatsapp.anApprovedTemplateNameEmpty")} />
      <Text name="template_language" label={t("channelsWhatsapp.templateLanguage")} values={p.values} errors={p.errors} hint={t("channelsWhatsapp.eGEnUsDe")} />
      <VoiceRepliesChoice {...p} />
      <Text name="api_version" label={t("channelsWhatsapp.graphApiVersion")} values={p.values} errors={p.errors} hint={t("channelsWhatsapp.leaveEmptyForV210")} />
      <Text name="graph_url" label={t("channelsWhatsapp.graphApiUrl")} values={p.values} errors={p.errors} hint={t("channelsWhatsapp.leaveEmptyForHttpsGraph")} />
    </>
  );
}
