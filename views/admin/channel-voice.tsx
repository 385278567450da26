/** @jsxImportSource @kitajs/html */
/** The channel form's voice-replies choice (every kind that can send a voice note). */
import { Choice } from "./fields.tsx";
import type { FieldErrors } from "./form.tsx";

export function VoiceRepliesChoice(p: { values: Record<string, string>; errors?: FieldErrors }): JSX.Element {
  const options = [{ value: "off", label: "Off: always answer in text" }, { value: "on", label: "On: answer a voice note with a voice note (and the text)" }];
  return <Choice name="voice_replies" label="Voice replies" values={p.values} errors={p.errors} options={options} hint="Needs media.speech (a text-to-speech provider) in the configuration" />;
}
