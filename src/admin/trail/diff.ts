/**
 * Which fields of a configuration changed, for the trail: names only. Values are left out on
 * purpose — secrets must never reach the trail, and a prompt or a setting may be long or private;
 * `secrets` lists the secret fields that changed (or were set or cleared) as "changed" and nothing more.
 */
export interface Changes {
  fields: string[];
  secrets: string[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function changedKeys(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !same(before[k], after[k])).sort();
}

export function changes(before: Record<string, unknown>, after: Record<string, unknown>, secretsBefore: Record<string, unknown> = {}, secretsAfter: Record<string, unknown> = {}): Changes {
  return { fields: changedKeys(before, after), secrets: changedKeys(secretsBefore, secretsAfter) };
}

/** The trail's summary of a save: "channel Support saved: name, settings.mode; secrets changed: bot_token". */
export function describeChanges(what: string, c: Changes): string {
  const parts = [c.fields.length ? c.fields.join(", ") : "", c.secrets.length ? `secrets changed: ${c.secrets.join(", ")}` : ""].filter(Boolean);
  return `${what} saved${parts.length ? `: ${parts.join("; ")}` : " (no change)"}`;
}
