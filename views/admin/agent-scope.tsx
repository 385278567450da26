/** @jsxImportSource @kitajs/html */
/**
 * The Agent Designer's business-function scope (src/scope/): what the business does, the allowed
 * topics, extra off-topic examples and decline sentences; and the warning shown for an agent on
 * WhatsApp without one (Meta's policy bans general-purpose assistants there).
 */
import { Area } from "./fields.tsx";
import type { FieldErrors } from "./form.tsx";
import { t } from "../../src/i18n/i18n.ts";

export function ScopeFields(p: { values: Record<string, string>; errors?: FieldErrors }): JSX.Element {
  const v = { values: p.values, errors: p.errors };
  return (
    <fieldset class="stack">
      <legend>{t("agentScope.businessScope")}</legend>
      <p class="muted">{t("agentScope.requiredOnWhatsappTheModel")}</p>
      <Area name="scope_business" label={t("agentScope.businessFunction")} {...v} rows={2} hint={t("agentScope.whoseAssistantThisIsAnd")} />
      <Area name="scope_topics" label={t("agentScope.allowedTopics")} {...v} rows={4} hint={t("agentScope.oneShortPhrasePerLine")} />
      <Area name="scope_off_topic" label={t("agentScope.alsoDeclineExamples")} {...v} rows={2} hint={t("agentScope.optionalOneRequestPerLine")} />
      <Area name="scope_decline" label={t("agentScope.declineSentence")} {...v} rows={2} hint={t("agentScope.optionalOnePerLineAs")} />
    </fieldset>
  );
}

export function UnscopedWarning(): JSX.Element {
  return (
    <p class="flash error" role="alert">
      {t("agentScope.thisAiEmployeeHasNo")}
    </p>
  );
}
