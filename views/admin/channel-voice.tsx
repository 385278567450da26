/** @jsxImportSource @kitajs/html */
/** The channel form's voice-replies choice (every kind that can send a voice note). */
import { Choice } from "./fields.tsx";
import { t } from "../../src/i18n/i18n.ts";
import type { FieldErrors } from "./form.tsx";

export function VoiceRepliesChoice(p: { values: Record<string, string>; errors?: FieldErrors }): JSX.Element {
  const options = [{ value: "off", label: t("channelVoice.off") }, { value: "on", label: t("channelVoice.on") }];
  return <Choice name="voice_replies" label={t("channelVoice.label")} values={p.values} errors={p.errors} options={options} hint={t("channelVoice.hint")} />;
}
