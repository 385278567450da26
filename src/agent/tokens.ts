/**
 * Token estimates for the conversation window. Deliberately not a tokenizer library: gpt-tokenizer
 * costs 41–65 MB of resident memory (measured), a third of the appliance's idle budget, and the
 * window only needs a conservative bound — actual usage is recorded from the provider's own counts.
 * ~3.5 characters per token over-estimates English for GPT/Llama vocabularies, so windows stay
 * within the model's limit; CJK text counts one token per character.
 */
export function estimateTokens(text: string): number {
  let wide = 0;
  for (const ch of text) if (ch.codePointAt(0)! > 0x2e80) wide++;
  return Math.ceil((text.length - wide) / 3.5) + wide + 4;
}

/**
 * What an image counts for in the window and the budget. Providers bill images by their own rules
 * (OpenAI ~85–1,100 tokens by tile count, llava a fixed 576); a flat upper figure keeps both the
 * window and the budget bound conservative without decoding the picture.
 */
export const IMAGE_TOKENS = 1200;

/** A message's estimate: its text plus a flat figure per attached image. */
export function messageTokens(m: { content: string; images?: readonly unknown[] }): number {
  return estimateTokens(m.content) + (m.images?.length ?? 0) * IMAGE_TOKENS;
}
