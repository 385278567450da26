/**
 * An audit entry's summary in the reader's language, built when the page renders from the entry's
 * kind and data, so a German and an English admin read the same entry each in their own. The
 * stored `summary` (English, written with the entry) stays the record and the export's text; it is
 * shown as it is for entries this file does not know (the agents' own entries, whose summaries are
 * message and tool text) and for older entries whose data lacks a name the text needs.
 */
import { type MessageKey, tText } from "../../i18n/i18n.ts";

type Data = Record<string, unknown>;
export interface Described {
  kind: string;
  summary: string;
  data: unknown;
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v ? v : undefined);
const role = (v: unknown): string | undefined => {
  const r = str(v);
  return r === "platform_admin" || r === "tenant_admin" || r === "operator" ? tText(`common.role.${r}`) : r?.replace("_", " ");
};
const OBJECTS = new Set(["agent", "channel", "provider", "schedule", "trigger", "tenant", "team"]);
const object = (v: unknown): string | undefined => {
  const o = str(v);
  return o && OBJECTS.has(o) ? tText(`trail.object.${o}` as MessageKey) : o;
};
/** A key that needs values: only when every value is there, else the stored text. */
const withAll = (key: MessageKey, vars: Record<string, string | undefined>): string | undefined =>
  Object.values(vars).every((v) => v !== undefined) ? tText(key, vars) : undefined;

function config(d: Data): string | undefined {
  const name = str(d.server) ?? str(d.skill);
  switch (d.step) {
    case "mcp_saved": return withAll("trail.mcpSaved", { name });
    case "mcp_deleted": return withAll("trail.mcpDeleted", { name });
    case "mcp_read_only": return withAll("trail.mcpReadOnly", { name });
    case "uploaded": return withAll("trail.skillUploaded", { name });
  }
  const vars = { object: object(d.object), name: str(d.name) };
  if (d.step === "created") return withAll("trail.configCreated", vars);
  if (d.step === "deleted") return withAll("trail.configDeleted", vars);
  if (d.step !== "saved") return undefined;
  const fields = Array.isArray(d.fields) ? d.fields.map(String) : [];
  const secrets = d.secrets && typeof d.secrets === "object" ? Object.keys(d.secrets) : [];
  const parts = [fields.join(", "), secrets.length ? tText("trail.secretsChanged", { names: secrets.join(", ") }) : ""].filter(Boolean);
  return parts.length ? withAll("trail.configSaved", { ...vars, changes: parts.join("; ") }) : withAll("trail.configUnchanged", vars);
}

function person(kind: string, d: Data): string | undefined {
  switch (kind) {
    case "sign_in":
      if (d.setup) return tText("trail.signInSetup");
      if (d.method === "totp") return tText("trail.signInTotp");
      if (d.method === "recovery_code") return tText("trail.signInRecovery");
      if (d.method === "oidc") return withAll(d.created ? "trail.signInSsoCreated" : "trail.signInSso", { provider: str(d.provider) });
      return tText("trail.signIn");
    case "sign_in.failed":
      if (d.method === "totp") return tText("trail.signInFailedTotp");
      if (d.method === "oidc") return withAll("trail.signInFailedSso", { reason: str(d.reason) });
      return tText("trail.signInFailed");
    case "sign_out": return tText("trail.signOut");
    case "password.changed":
      return tText(d.step === "link_sent" ? "trail.passwordLinkSent" : d.step === "reset" ? "trail.passwordReset" : "trail.passwordChanged");
    case "invitation":
      if (d.step === "sent") return withAll("trail.invitationSent", { email: str(d.email), role: role(d.role) });
      if (d.step === "accepted") return withAll("trail.invitationAccepted", { role: role(d.role) });
      return d.step === "revoked" ? tText("trail.invitationRevoked") : undefined;
    case "role.changed": return withAll("trail.roleChanged", { email: str(d.email), from: role(d.from), to: role(d.to) });
    case "user.removed": return tText("trail.userRemoved");
    case "two_factor":
      if (d.step === "reset") return withAll("trail.twoFactorReset", { email: str(d.email) });
      if (d.step === "policy") return tText(d.require ? "trail.twoFactorRequired" : "trail.twoFactorNotRequired");
      return d.step === "enabled" ? tText("trail.twoFactorOn") : d.step === "disabled" ? tText("trail.twoFactorOff") : d.step === "recovery_renewed" ? tText("trail.twoFactorCodes") : undefined;
    case "access_token":
      return d.step === "created" ? withAll("trail.tokenCreated", { name: str(d.name) }) : d.step === "revoked" ? tText("trail.tokenRevoked") : undefined;
    case "api_key":
      return d.step === "created" ? withAll("trail.apiKeyCreated", { name: str(d.name) }) : d.step === "revoked" ? tText("trail.apiKeyRevoked") : undefined;
    case "approval.decided":
      return d.decision === "approved" ? tText("trail.approvalApproved") : d.decision === "denied" ? tText("trail.approvalDenied") : undefined;
    case "config": return config(d);
  }
  return undefined;
}

export function describeEntry(e: Described): string {
  const data = e.data && typeof e.data === "object" && !Array.isArray(e.data) ? (e.data as Data) : {};
  return person(e.kind, data) ?? e.summary;
}

/** An entry's kind as the Audit page names it (its column and filter); a kind not in the catalogue as stored. */
export function kindLabel(kind: string): string {
  const key = `trail.kind.${kind}`;
  const label = tText(key as MessageKey);
  return label === key ? kind : label;
}
