/** @jsxImportSource @kitajs/html */
/** The escalation destination form (tenant admins): where the tenant's people are told of a new handoff. */
import type { Scope } from "./scope.ts";
import { Choice, Text } from "./fields.tsx";
import { Csrf, type FieldErrors, Flash } from "./form.tsx";
import { Empty, PageHead } from "./parts.tsx";
import { t } from "../../src/i18n/i18n.ts";

export interface DestinationProps {
  scope: Scope;
  csrf: string;
  channels: { id: string; name: string; kind: string }[];
  values: Record<string, string | undefined>;
  errors?: FieldErrors;
  flash?: string;
}

/** Where the tenant's people are told of a new handoff, and when it is announced again. */
export function DestinationView(p: DestinationProps): JSX.Element {
  const q = `?tenant=${p.scope.tenantId}`;
  return (
    <section>
      <p><a href={`/admin/inbox${q}`}>{t("inboxCanned.inbox")}</a></p>
      <PageHead title={t("inboxDestination.escalationDestination")} scope={p.scope} action="/admin/inbox/settings" />
      <Flash message={p.flash} />
      <p class="muted">
        {t("inboxDestination.whenAConversationIsHanded")}{" "}<em>{t("inboxDestination.takeIt")}</em>{" "}{t("inboxDestination.buttonWhoeverTakesItAnswers")}
      </p>
      {p.channels.length === 0 ? (
        <Empty><p>{t("inboxDestination.connectASlackOrTelegram")}<a href={`/admin/channels${q}`}>{t("nav.channels")}</a>); the bot must be in the chat.</p></Empty>
      ) : (
        <form method="post" action={`/admin/inbox/settings${q}`} class="stack">
          <Csrf token={p.csrf} />
          <Choice name="channel_id" label={t("conversations.channel")} values={p.values} errors={p.errors} options={[{ value: "", label: "None (inbox only)" }, ...p.channels.map((c) => ({ value: c.id, label: `${c.name} (${c.kind})` }))]} />
          <Text name="chat" label={t("inboxDestination.chatId")} values={p.values} errors={p.errors} required={false} hint={t("inboxDestination.slackTheChannelIdC0123abcd")} />
          <Text name="timeout_minutes" label={t("inboxDestination.announceAgainAfterMinutes0")} type="number" values={p.values} errors={p.errors} hint={t("inboxDestination.ifNobodyTakesItBy")} />
          <div class="actions"><button type="submit">{t("common.save")}</button></div>
        </form>
      )}
    </section>
  );
}
