/**
 * Why openid-client refused a callback, in words for the sign-in page and the audit entry. Ours
 * alone: the library's message can quote claim values, so only its class of failure is used.
 */
const REASONS: [RegExp, string][] = [
  [/"state"/i, "the state did not match this browser's sign-in"],
  [/"nonce"/i, "the id_token's nonce did not match"],
  [/"iss"|issuer/i, "the id_token comes from the wrong issuer"],
  [/"exp"|expired|"iat"|"nbf"/i, "the id_token has expired"],
  [/"aud"|"azp"/i, "the id_token was issued to another client"],
  [/"alg"|signature|JWS/i, "the id_token is not validly signed"],
  [/code_verifier|invalid_grant/i, "the identity provider rejected the code"],
];

export function refusalReason(e: unknown): string {
  // openid-client wraps oauth4webapi's error, whose message names the check that failed.
  const inner = (e as { cause?: unknown })?.cause;
  const text = [e, inner].map((x) => `${(x as { message?: string })?.message ?? ""} ${(x as { error?: string })?.error ?? ""}`).join(" ");
  for (const [re, reason] of REASONS) if (re.test(text)) return reason;
  return "the identity provider's answer could not be verified";
}
