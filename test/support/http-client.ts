/** A browser over real HTTP (the compiled binary's socket): cookie jar, CSRF token from the last page, no redirects followed. */
export function client(base: string) {
  const jar = new Map<string, string>();
  let csrf = "";
  const send = async (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set("cookie", [...jar].map(([k, v]) => `${k}=${v}`).join("; "));
    if (csrf) headers.set("x-csrf-token", csrf);
    const res = await fetch(base + path, { ...init, headers, redirect: "manual" });
    for (const c of res.headers.getSetCookie()) {
      const pair = c.split(";")[0]!; // a value may hold "=" (base64)
      jar.set(pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1));
    }
    const text = await res.text();
    const m = /name="_csrf" value="([^"]+)"/.exec(text);
    if (m) csrf = m[1]!;
    return { status: res.status, text, location: res.headers.get("location") };
  };
  const form = (path: string, fields: Record<string, string>) => send(path, { method: "POST", body: new URLSearchParams(fields) });
  return { send, form };
}
