/**
 * A model chain entry: `provider_id/model`, optionally followed by ` vision` when that model sees
 * images. The flag lives in the entry's text so the chain stays a plain list of strings everywhere it
 * is stored and edited (config, the agents table, the Agent Designer's one-per-line field, the API);
 * config-as-code may also write `{ model, vision: true }`, which becomes the same text.
 */
export const CHAIN_ENTRY = /^[a-z0-9][a-z0-9-]*\/\S+(?:\s+vision)?$/;
export const CHAIN_ENTRY_HINT = "must be 'provider_id/model', optionally followed by ' vision'";

export interface ChainLink {
  provider: string;
  model: string;
  /** The model reads images (OpenAI image_url parts, Ollama `images`). */
  vision: boolean;
}

/** `openrouter/meta-llama/llama-3-8b vision` → provider `openrouter`, model `meta-llama/llama-3-8b`, vision. */
export function parseChainEntry(entry: string): ChainLink {
  const trimmed = entry.trim();
  const flagged = /\s+vision$/.exec(trimmed);
  const body = flagged ? trimmed.slice(0, flagged.index) : trimmed;
  const at = body.indexOf("/");
  return at < 0 ? { provider: body, model: "", vision: !!flagged } : { provider: body.slice(0, at), model: body.slice(at + 1), vision: !!flagged };
}

export function chainEntry(link: { model: string; vision?: boolean }): string {
  return link.vision ? `${link.model} vision` : link.model;
}

/** Whether any link of the chain sees images. */
export const seesImages = (chain: readonly string[]): boolean => chain.some((e) => parseChainEntry(e).vision);
