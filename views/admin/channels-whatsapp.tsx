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
        <li>At developers.facebook.com create an app of type <em>Business</em> and add the <em>WhatsApp</em> product.</li>
        <li>
          From <em>WhatsApp → API Setup</em> copy the <em>Phone number ID</em> and the <em>WhatsApp Business Account ID</em>; create a
          permanent token for a system user with <code>whatsapp_business_messaging</code> and <code>whatsapp_business_management</code>.
        </li>
        <li>From <em>App settings → Basic</em> copy the <em>App secret</em> (it signs every webhook delivery).</li>
        <li>
          In <em>WhatsApp → Configuration → Webhook</em> paste the callback URL <code safe>{p.hookUrl}</code> and the verify token below, then
          subscribe to the <code>messages</code> field.
          {p.publicUrlSet ? "" : <span class="muted"> Set server.public_url first: Meta must reach this URL over HTTPS.</span>}
        </li>
      </ol>
      <p class="muted">WhatsApp allows business-specific assistants only: give the AI employee a business scope (business function and allowed topics) in the Agent Designer; off-topic requests are then declined by the appliance.</p>
    </>
  );
}

export function WhatsAppFields(p: Props): JSX.Element {
  return (
    <>
      <input type="hidden" name="mode" value="webhook" />
      <Text name="phone_number_id" label="Phone number ID" values={p.values} errors={p.errors} hint="WhatsApp → API Setup; webhooks for any other number are refused" />
      <Text name="business_account_id" label="WhatsApp Business Account ID" values={p.values} errors={p.errors} />
      <Secret name="access_token" label="Access token (system user, permanent)" values={{}} errors={p.errors} stored={p.stored.access_token} />
      <Secret name="app_secret" label="App secret" values={{}} errors={p.errors} stored={p.stored.app_secret} hint="App settings → Basic" />
      <Text name="verify_token" label="Verify token" values={p.values} errors={p.errors} hint="Paste this into Meta's webhook settings together with the callback URL" />
      <Text name="template_name" label="Template outside the 24-hour window" values={p.values} errors={p.errors} hint="An approved template name; empty: such replies are refused" />
      <Text name="template_language" label="Template language" values={p.values} errors={p.errors} hint="e.g. en_US, de" />
      <VoiceRepliesChoice {...p} />
      <Text name="api_version" label="Graph API version" values={p.values} errors={p.errors} hint="Leave empty for v21.0" />
      <Text name="graph_url" label="Graph API URL" values={p.values} errors={p.errors} hint="Leave empty for https://graph.facebook.com" />
    </>
  );
}
