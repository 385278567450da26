/** A console form's fields as a browser would post them (inputs, textareas, selected options), without the CSRF token. */
const decode = (s: string) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#x27;|&#39;/g, "'").replace(/&amp;/g, "&");

/** `action` is the start of the form's action attribute, e.g. "/admin/agents?". */
export function formValues(html: string, action: string): Record<string, string> {
  const form = html.slice(html.indexOf(`<form method="post" action="${action}`));
  const body = form.slice(0, form.indexOf("</form>"));
  const out: Record<string, string> = {};
  for (const m of body.matchAll(/<input\b([^>]*)>/g)) {
    const name = /\bname="([^"]*)"/.exec(m[1]!)?.[1];
    if (name && name !== "_csrf") out[name] = decode(/\bvalue="([^"]*)"/.exec(m[1]!)?.[1] ?? "");
  }
  for (const m of body.matchAll(/<textarea\b[^>]*\bname="([^"]*)"[^>]*>([\s\S]*?)<\/textarea>/g)) out[m[1]!] = decode(m[2]!);
  for (const m of body.matchAll(/<select\b[^>]*\bname="([^"]*)"[^>]*>([\s\S]*?)<\/select>/g)) out[m[1]!] = decode(/<option value="([^"]*)" selected/.exec(m[2]!)?.[1] ?? "");
  return out;
}
