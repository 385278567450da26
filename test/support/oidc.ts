/**
 * An OpenID Connect provider on loopback, written from the spec (OIDC Core 1.0 §3.1, Discovery 1.0,
 * RFC 7636 PKCE, RFC 7517 JWKS): discovery document, JWKS with an RSA key, /authorize for the code
 * flow (S256 only; the person "already signed in at the IdP" is `provider.user`), /token that checks
 * the client secret (post or basic), the single-use code, the redirect URI and the code_verifier, and
 * answers with an RS256 id_token. `misbehave` makes the next id_token wrong in one way — another
 * nonce or issuer, expired, unsigned (alg none) — so a relying party's checks can be proven.
 */
import { createHash, createSign, generateKeyPairSync, randomBytes } from "node:crypto";

export interface IdpUser {
  sub: string;
  email: string;
  email_verified?: boolean;
  groups?: string[];
}

export type Misbehaviour = "nonce" | "issuer" | "expired" | "unsigned" | "audience";

export interface OidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  user: IdpUser;
  misbehave: Misbehaviour | null;
  /** Codes exchanged and refused, for assertions. */
  log: string[];
  stop(): void;
}

const b64u = (b: Buffer | string) => Buffer.from(b).toString("base64url");

export function startOidcProvider(opts: { redirectUris: string[]; clientId?: string; clientSecret?: string }): OidcProvider {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const kid = randomBytes(6).toString("hex");
  const jwk = { ...publicKey.export({ format: "jwk" }), kid, use: "sig", alg: "RS256" };
  const codes = new Map<string, { challenge: string; nonce?: string; redirectUri: string; user: IdpUser; clientId: string }>();

  const sign = (payload: Record<string, unknown>, unsigned: boolean) => {
    const header = unsigned ? { alg: "none", typ: "JWT" } : { alg: "RS256", typ: "JWT", kid };
    const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(payload))}`;
    return unsigned ? `${input}.` : `${input}.${b64u(createSign("RSA-SHA256").update(input).sign(privateKey))}`;
  };
  const json = (body: unknown, status = 200) => Response.json(body, { status, headers: { "cache-control": "no-store" } });
  const tokenError = (error: string) => (p.log.push(error), json({ error }, 400));

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      if (url.pathname === "/.well-known/openid-configuration")
        return json({
          issuer: p.issuer,
          authorization_endpoint: `${p.issuer}/authorize`,
          token_endpoint: `${p.issuer}/token`,
          jwks_uri: `${p.issuer}/jwks`,
          response_types_supported: ["code"],
          subject_types_supported: ["public"],
          id_token_signing_alg_values_supported: ["RS256"],
          code_challenge_methods_supported: ["S256"],
          token_endpoint_auth_methods_supported: ["client_secret_post", "client_secret_basic"],
          scopes_supported: ["openid", "email", "profile", "groups"],
        });
      if (url.pathname === "/jwks") return json({ keys: [jwk] });
      if (url.pathname === "/authorize") return authorize(url.searchParams);
      if (url.pathname === "/token" && req.method === "POST") return token(req);
      return new Response("not found", { status: 404 });
    },
  });

  function authorize(q: URLSearchParams): Response {
    const redirectUri = q.get("redirect_uri") ?? "";
    // Never redirect to an unregistered URI (§3.1.2.1): an error page instead.
    if (q.get("client_id") !== p.clientId || !opts.redirectUris.includes(redirectUri)) return new Response("unknown client or redirect_uri", { status: 400 });
    const back = new URL(redirectUri);
    if (q.get("state")) back.searchParams.set("state", q.get("state")!);
    const fail = (error: string) => (back.searchParams.set("error", error), Response.redirect(back.href, 302));
    if (q.get("response_type") !== "code") return fail("unsupported_response_type");
    if (!(q.get("scope") ?? "").split(" ").includes("openid")) return fail("invalid_scope");
    if (q.get("code_challenge_method") !== "S256" || !q.get("code_challenge")) return fail("invalid_request");
    const code = randomBytes(24).toString("base64url");
    codes.set(code, { challenge: q.get("code_challenge")!, nonce: q.get("nonce") ?? undefined, redirectUri, user: { ...p.user }, clientId: p.clientId });
    back.searchParams.set("code", code);
    return Response.redirect(back.href, 302);
  }

  async function token(req: Request): Promise<Response> {
    const form = new URLSearchParams(await req.text());
    let [id, secret] = [form.get("client_id"), form.get("client_secret")];
    const basic = /^Basic (.+)$/.exec(req.headers.get("authorization") ?? "");
    if (basic) [id, secret] = Buffer.from(basic[1]!, "base64").toString().split(":").map(decodeURIComponent) as [string, string];
    if (id !== p.clientId || secret !== p.clientSecret) return json({ error: "invalid_client" }, 401);
    if (form.get("grant_type") !== "authorization_code") return tokenError("unsupported_grant_type");
    const grant = codes.get(form.get("code") ?? "");
    codes.delete(form.get("code") ?? ""); // single use, even when the rest is wrong
    if (!grant || grant.redirectUri !== form.get("redirect_uri")) return tokenError("invalid_grant");
    const verifier = form.get("code_verifier") ?? "";
    if (createHash("sha256").update(verifier).digest("base64url") !== grant.challenge) return tokenError("invalid_grant");
    const now = Math.floor(Date.now() / 1000);
    const bad = p.misbehave;
    p.log.push("exchanged");
    const claims = {
      iss: bad === "issuer" ? "https://evil.example" : p.issuer,
      sub: grant.user.sub,
      aud: bad === "audience" ? "another-client" : grant.clientId,
      iat: bad === "expired" ? now - 7200 : now,
      exp: bad === "expired" ? now - 3600 : now + 300,
      auth_time: now,
      ...(grant.nonce ? { nonce: bad === "nonce" ? "not-the-nonce" : grant.nonce } : {}),
      email: grant.user.email,
      email_verified: grant.user.email_verified ?? true,
      ...(grant.user.groups ? { groups: grant.user.groups } : {}),
    };
    return json({ access_token: randomBytes(24).toString("base64url"), token_type: "Bearer", expires_in: 300, id_token: sign(claims, bad === "unsigned") });
  }

  const p: OidcProvider = {
    issuer: `http://127.0.0.1:${server.port}`,
    clientId: opts.clientId ?? "konstruct-console",
    clientSecret: opts.clientSecret ?? randomBytes(16).toString("hex"),
    user: { sub: "u-1", email: "someone@corp.test" },
    misbehave: null,
    log: [],
    stop: () => server.stop(true),
  };
  return p;
}
