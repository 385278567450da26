/** @jsxImportSource @kitajs/html */
/**
 * The Agent Designer's business-function scope (src/scope/): what the business does, the allowed
 * topics, extra off-topic examples and decline sentences; and the warning shown for an agent on
 * WhatsApp without one (Meta's policy bans general-purpose assistants there).
 */
import { Area } from "./fields.tsx";
import type { FieldErrors } from "./form.tsx";

export function ScopeFields(p: { values: Record<string, string>; errors?: FieldErrors }): JSX.Element {
  const v = { values: p.values, errors: p.errors };
  return (
    <fieldset class="stack">
      <legend>Business scope</legend>
      <p class="muted">Required on WhatsApp. The model is told to stay within it, and clear off-topic requests (poems, homework, code, politics, …) are declined by the appliance itself, without a model call. Leave the business empty for no scope.</p>
      <Area name="scope_business" label="Business function" {...v} rows={2} hint="Whose assistant this is and what it is for, e.g. Front desk of Bright Smile Dental: appointments, treatments, prices and insurance" />
      <Area name="scope_topics" label="Allowed topics" {...v} rows={4} hint="One short phrase per line, e.g. booking or moving appointments" />
      <Area name="scope_off_topic" label="Also decline (examples)" {...v} rows={2} hint="Optional, one request per line that this agent must decline besides the built-in ones" />
      <Area name="scope_decline" label="Decline sentence" {...v} rows={2} hint="Optional, one per line as language: sentence (en: …, de: …, default: …); without one a built-in English sentence is used" />
    </fieldset>
  );
}

export function UnscopedWarning(): JSX.Element {
  return (
    <p class="flash error" role="alert">
      This AI employee has no business scope. Meta's WhatsApp Business policy does not allow general-purpose assistants on WhatsApp: fill in its business function and allowed topics in the Agent Designer.
    </p>
  );
}
