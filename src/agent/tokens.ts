/**
 * Token estimates for the conversation window. Deliberately not a tokenizer library: gpt-tokenizer
 * costs 41–65 MB of resident memory (measured), a third of the appliance's idle budget, and the
 * window only needs a conservative bound — actual usage is recorded from the provider's own counts.
 * ~3.5 characters per token over-estimates English for GPT/Llama vocabularies, so windows stay
 * within the model's limit; CJK text counts one token per character.
 *
 * A stored turn's estimate is read with it (messages.tokens, ChatMessage.tokens), so a turn costs
 * estimating its new text only, not the whole window again.
 */
export function estimateTokens(text: string): number {
  // charCodeAt, not for…of: iterating code points allocates a string per character, and the window's
  // text is tens of kB per turn. A surrogate pair is one wide character, as a code point would be.
  let wide = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x2e80) continue;
    wide++;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
  }
  return Math.ceil((text.length - wide) / 3.5) + wide + 4;
}

/**
 * What an image counts for in the window and the budget. Providers bill images by their own rules
 * (OpenAI ~85–1,100 tokens by tile count, llava a fixed 576); a flat upper figure keeps both the
 * window and the budget bound conservative without decoding the picture.
 */
export const IMAGE_TOKENS = 1200;

/** A message's estimate: its text (as stored with the turn, when known) plus a flat figure per attached image. */
export function messageTokens(m: { content: string; tokens?: number; images?: readonly unknown[] }): number {
  return (m.tokens ?? estimateTokens(m.content)) + (m.images?.length ?? 0) * IMAGE_TOKENS;
}
