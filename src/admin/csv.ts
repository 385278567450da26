/**
 * RFC 4180 CSV: CRLF line ends; a field with a comma, quote, CR or LF is quoted and its quotes
 * doubled. A leading =, +, -, @, tab or CR is prefixed with ' so a spreadsheet opening the export
 * does not run a user's chat message as a formula (OWASP "CSV injection").
 */
export function csvField(value: unknown): string {
  let s = value === null || value === undefined ? "" : value instanceof Date ? value.toISOString() : typeof value === "object" ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function toCsv(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(",")).join("\r\n") + "\r\n";
}
