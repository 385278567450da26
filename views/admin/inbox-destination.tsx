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

const DAY_LABELS = { mon: "Monday", tue: "Tuesday", wed: "Wednesday", thu: "Thursday", fri: "Friday", sat: "Saturday", sun: "Sunday" } as const;
const field = (base: string, i: number) => (i === 0 ? base : `${base}_${i + 1}`);

function Step(p: DestinationProps & { i: number }): JSX.Element {
  const none = p.i === 0 ? "None (inbox only)" : "None (the chain ends here)";
  return (
    <fieldset>
      <legend>{p.i === 0 ? "Step 1: notify first" : `Step ${p.i + 1}: if nobody took it at step ${p.i}`}</legend>
      <Choice name={field("channel_id", p.i)} label="Channel" values={p.values} errors={p.errors} options={[{ value: "", label: none }, ...p.channels.map((c) => ({ value: c.id, label: `${c.name} (${c.kind})` }))]} />
      <Text name={field("chat", p.i)} label="Chat id" values={p.values} errors={p.errors} required={false} hint="Slack: the channel id (C0123ABCD). Telegram: the group's chat id (-1001234567890)." />
      <Text name={field("timeout_minutes", p.i)} label="Go on after (business minutes, 0 = never)" type="number" values={p.values} errors={p.errors} hint="If nobody takes it by then, the next step is notified (at the last step: this one again) and the user is told it takes longer." />
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
        <Empty><p>{t("inboxDestination.connectASlackOrTelegram")}<a href={`/admin/channels${q}`}>{t("nav.channels")}</a>); the bot must be in the chat.</p></Empty>
      ) : (
        <form method="post" action={`/admin/inbox/settings${q}`} class="stack">
          <Csrf token={p.csrf} />
          {Array.from({ length: p.steps }, (_, i) => <Step {...p} i={i} />)}
          <div class="actions"><button type="submit">{t("inboxDestination.saveDestinations")}</button></div>
        </form>
      )}
      <h2 id="hours">Business hours</h2>
      <p class="muted">
        Timeouts count open time only. A user who asks for a person outside these hours is told when someone will answer
        ("a person will answer here from Monday 09:00"). No timezone: always open.
      </p>
      <form method="post" action={`/admin/inbox/hours${q}`} class="stack">
        <Csrf token={p.csrf} />
        <Text name="timezone" label="Timezone" values={p.values} errors={p.errors} required={false} placeholder="Europe/Berlin" hint="An IANA timezone; empty removes the business hours." />
        {Object.entries(DAY_LABELS).map(([d, label]) => <Text name={d} label={label} values={p.values} errors={p.errors} required={false} placeholder="09:00-17:00" hint={d === "mon" ? "Ranges like 09:00-12:00, 13:00-17:00; empty: closed." : undefined} />)}
        <Text name="holidays" label="Holidays" values={p.values} errors={p.errors} required={false} placeholder="2026-12-25 2026-12-26" hint="Dates (YYYY-MM-DD) separated by spaces; at most 100." />
        <Choice name="language" label="Language of the wait notice" values={p.values} errors={p.errors} options={[{ value: "en", label: "English" }, { value: "de", label: "Deutsch" }]} />
        <div class="actions"><button type="submit">Save business hours</button></div>
      </form>
    </section>
  );
}
