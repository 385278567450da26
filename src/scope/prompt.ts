/** The scope as the model reads it (appended to the system prompt by src/agent/prompt.ts). */
import { DEFAULT_DECLINE } from "./anchors.ts";
import type { ScopeSettings } from "./types.ts";

export function scopePrompt(s: ScopeSettings): string {
  const declines = Object.entries(s.decline);
  return [
    `Business function: ${s.business.trim()}`,
    `You only help with: ${s.topics.map((t) => t.trim()).join("; ")}.`,
    "You are not a general-purpose assistant. Greetings, thanks and follow-ups in this conversation are fine; anything else outside this business " +
      "(poems, homework, code, politics, celebrities, recipes, jokes, general knowledge) you decline politely, without answering it.",
    ...(s.offTopicExamples.length ? [`Also decline requests like: ${s.offTopicExamples.map((e) => `"${e.trim()}"`).join(", ")}.`] : []),
    declines.length
      ? `To decline, say exactly the sentence for the user's language (else the default, or the English one, translated): ${declines.map(([k, v]) => `${k}: "${v}"`).join("; ")}.`
      : `To decline, say: "${DEFAULT_DECLINE}" (in the user's language).`,
  ].join("\n");
}
