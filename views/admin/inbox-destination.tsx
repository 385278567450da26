/** @jsxImportSource @kitajs/html */
/** The escalation destination form (tenant admins): where the tenant's people are told of a new handoff. */
import type { Scope } from "./scope.ts";
import { Choice, Text } from "./fields.tsx";
import { Csrf, type FieldErrors, Flash } from "./form.tsx";
import { Empty, PageHead } from "./parts.tsx";

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
      <p><a href={`/admin/inbox${q}`}>← Inbox</a></p>
      <PageHead title="Escalation destination" scope={p.scope} action="/admin/inbox/settings" />
      <Flash message={p.flash} />
      <p class="muted">
        When a conversation is handed to a person, a notification goes to this chat with the reason, the last messages, a link to the
        inbox and a <em>Take it</em> button. Whoever takes it answers the user by replying to the notification (in its Slack thread, or
        with Telegram's Reply).
      </p>
      {p.channels.length === 0 ? (
        <Empty><p>Connect a Slack or Telegram channel first (<a href={`/admin/channels${q}`}>Channels</a>); the bot must be in the chat.</p></Empty>
      ) : (
        <form method="post" action={`/admin/inbox/settings${q}`} class="stack">
          <Csrf token={p.csrf} />
          <Choice name="channel_id" label="Channel" values={p.values} errors={p.errors} options={[{ value: "", label: "None (inbox only)" }, ...p.channels.map((c) => ({ value: c.id, label: `${c.name} (${c.kind})` }))]} />
          <Text name="chat" label="Chat id" values={p.values} errors={p.errors} required={false} hint="Slack: the channel id (C0123ABCD). Telegram: the group's chat id (-1001234567890)." />
          <Text name="timeout_minutes" label="Announce again after (minutes, 0 = never)" type="number" values={p.values} errors={p.errors} hint="If nobody takes it by then, the notification is sent again and the user is told it takes longer." />
          <div class="actions"><button type="submit">Save</button></div>
        </form>
      )}
    </section>
  );
}
