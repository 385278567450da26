/** A stored secret as the console may show it: that one is set, and its last four characters at most. */
export function maskSecret(value: string | undefined): string {
  if (!value) return "not set";
  if (value.length < 12) return "set (••••)";
  return `••••${value.slice(-4)}`;
}
