/** @jsxImportSource @kitajs/html */
/**
 * The escalation settings (tenant admins): the destination chain — where the tenant's people are told
 * of a new handoff, and where it goes next when nobody takes it in time — and the business hours.
 * Step 1's fields keep their plain names (`chat`); later steps are suffixed (`chat_2`, `chat_3`).
 */
import type { Scope } from "./scope.ts";
import { Choice, Text } from "./fields.tsx";
import { Csrf, type FieldErrors, Flash } from "./form.tsx";
import { Empty, PageHead } from "./parts.tsx";
import { t } from "../../src/i18n/i18n.ts";

export interface DestinationProps {
  scope: Scope;
  csrf: string;
  channels: { id: string; name: string; kind: string }[];
  /** How many chain steps the form offers. */
  steps: number;
  values: Record<string, string | undefined>;
  errors?: FieldErrors;
  flash?: string;
}

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
const field = (base: string, i: number) => (i === 0 ? base : `${base}_${i + 1}`);

function Step(p: DestinationProps & { i: number }): JSX.Element {
  const none = p.i === 0 ? t("inboxDestination.noneInboxOnly") : t("inboxDestination.noneChainEnds");
  return (
    <fieldset>
      <legend>{p.i === 0 ? t("inboxDestination.step1") : t("inboxDestination.stepN", { n: p.i + 1, prev: p.i })}</legend>
      <Choice name={field("channel_id", p.i)} label={t("inboxDestination.channel")} values={p.values} errors={p.errors} options={[{ value: "", label: none }, ...p.channels.map((c) => ({ value: c.id, label: `${c.name} (${c.kind})` }))]} />
      <Text name={field("chat", p.i)} label={t("inboxDestination.chatIdLabel")} values={p.values} errors={p.errors} required={false} hint={t("inboxDestination.chatIdHint")} />
      <Text name={field("timeout_minutes", p.i)} label={t("inboxDestination.goOnAfter")} type="number" values={p.values} errors={p.errors} hint={t("inboxDestination.goOnHint")} />
    </fieldset>
  );
}

export function DestinationView(p: DestinationProps): JSX.Element {
  const q = `?tenant=${p.scope.tenantId}`;
  return (
    <section>
      <p><a href={`/admin/inbox${q}`}>{t("inboxCanned.inbox")}</a></p>
      <PageHead title={t("inboxDestination.escalationDestination")} scope={p.scope} action="/admin/inbox/settings" />
      <Flash message={p.flash} />
      <p class="muted">
        {t("inboxDestination.whenAConversationIsHandedChain")}{" "}<em>{t("inboxDestination.takeIt")}</em>{" "}{t("inboxDestination.buttonAndAn")}{" "}<em>{t("inboxDestination.openInConsole")}</em>{" "}{t("inboxDestination.linkWhoeverTakesIt")}
      </p>
      {p.channels.length === 0 ? (
        <Empty><p>{t("inboxDestination.connectASlackOrTelegram")}<a href={`/admin/channels${q}`}>{t("nav.channels")}</a>); {t("inboxDestination.botInChat")}</p></Empty>
      ) : (
        <form method="post" action={`/admin/inbox/settings${q}`} class="stack">
          <Csrf token={p.csrf} />
          {Array.from({ length: p.steps }, (_, i) => <Step {...p} i={i} />)}
          <div class="actions"><button type="submit">{t("inboxDestination.saveDestinations")}</button></div>
        </form>
      )}
      <h2 id="hours">{t("inboxHours.title")}</h2>
      <p class="muted">
        {t("inboxHours.intro")}
      </p>
      <form method="post" action={`/admin/inbox/hours${q}`} class="stack">
        <Csrf token={p.csrf} />
        <Text name="timezone" label={t("inboxHours.timezone")} values={p.values} errors={p.errors} required={false} placeholder="Europe/Berlin" hint={t("inboxHours.timezoneHint")} />
        {DAYS.map((d) => <Text name={d} label={t(`inboxHours.${d}`)} values={p.values} errors={p.errors} required={false} placeholder="09:00-17:00" hint={d === "mon" ? t("inboxHours.rangesHint") : undefined} />)}
        <Text name="holidays" label={t("inboxHours.holidays")} values={p.values} errors={p.errors} required={false} placeholder="2026-12-25 2026-12-26" hint={t("inboxHours.holidaysHint")} />
        <Choice name="language" label={t("inboxHours.language")} values={p.values} errors={p.errors} options={[{ value: "en", label: "English" }, { value: "de", label: "Deutsch" }]} />
        <Text name="expected_wait_minutes" label={t("inboxHours.expectedWait")} type="number" values={p.values} errors={p.errors} required={false} placeholder="15" hint={t("inboxHours.expectedWaitHint")} />
        <div class="actions"><button type="submit">{t("inboxHours.save")}</button></div>
      </form>
    </section>
  );
}
