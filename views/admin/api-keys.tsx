/** @jsxImportSource @kitajs/html */
/**
 * A tenant's keys for the OpenAI-compatible API: name, scope (the whole tenant or one AI employee),
 * created, last used, Revoke; a form to create one. A new key appears once, right after creation,
 * with a curl call that works as pasted (`model: "<tenant>/<agent>"`), and never again.
 */
import type { Scope } from "./scope.ts";
import { Choice, Text } from "./fields.tsx";
import { Csrf, type FieldErrors, Flash, PostButton } from "./form.tsx";
import { Empty, NoTenant, PageHead, when } from "./parts.tsx";
import { t as tr } from "../../src/i18n/i18n.ts";

export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  agentId: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface ApiKeysProps {
  scope: Scope;
  csrf: string;
  /** `<public_url>` (may be empty: a placeholder host is shown). */
  base: string;
  tenantSlug: string;
  keys: ApiKeyRow[] | null;
  agents: { id: string; slug: string; name: string }[];
  flash?: string;
  created?: { name: string; key: string; agentSlug: string };
  values?: Record<string, string | undefined>;
  errors?: FieldErrors;
}

/** The curl call shown with a new key; JSON.stringify quotes the model so a slug cannot break out of the string. */
export function curlExample(base: string, key: string, model: string): string {
  const body = JSON.stringify({ model, messages: [{ role: "user", content: "Hello!" }] });
  return `curl -s ${base || "https://konstruct.example"}/v1/chat/completions \\\n  -H "authorization: Bearer ${key}" \\\n  -H 'content-type: application/json' \\\n  -d '${body}'`;
}

export function ApiKeysView(p: ApiKeysProps): JSX.Element {
  const t = p.scope.tenantId;
  const agent = new Map(p.agents.map((a) => [a.id, a.name]));
  return (
    <section>
      <PageHead title={tr("nav.api_keys")} scope={p.scope} action="/admin/api-keys" />
      <p class="muted">
        {tr("apiKeys.keysForTheOpenaiCompatible")}<code>/v1/chat/completions</code>, <a href="/admin/api">{tr("apiKeys.docs")}</a>{tr("apiKeys.anyClient")}{" "}
        <code>model: "&lt;tenant&gt;/&lt;agent&gt;"</code>.
      </p>
      <Flash message={p.flash} />
      {p.created && (
        <div class="flash" role="status">
          <p>{tr("apiKeys.createdOnce", { name: p.created.name })}</p>
          <p class="secret-once" safe>{p.created.key}</p>
          <p>{tr("apiKeys.tryIt")}</p>
          <pre class="copy" tabindex="0"><code safe>{curlExample(p.base, p.created.key, `${p.tenantSlug}/${p.created.agentSlug}`)}</code></pre>
        </div>
      )}
      {!t || !p.keys ? (
        <NoTenant />
      ) : (
        <>
          {p.keys.length === 0 ? (
            <Empty><p>{tr("apiKeys.noApiKeysYetCreate")}</p></Empty>
          ) : (
            <div class="table-wrap">
              <table>
                <thead><tr><th scope="col">{tr("common.name")}</th><th scope="col">{tr("apiKeys.key")}</th><th scope="col">{tr("apiKeys.scope")}</th><th scope="col">{tr("common.created")}</th><th scope="col">{tr("apiKeys.lastUsed")}</th><th scope="col">{tr("common.actions")}</th></tr></thead>
                <tbody>
                  {p.keys.map((k) => (
                    <tr id={`key-${k.id}`}>
                      <td safe>{k.name}</td>
                      <td><code safe>{`${k.prefix}…`}</code></td>
                      <td safe>{k.agentId ? `${tr("apiKeys.aiEmployee")} ${agent.get(k.agentId) ?? tr("apiKeys.deleted")}` : tr("apiKeys.wholeTenant")}</td>
                      <td>{when(k.createdAt)}</td>
                      <td>{k.lastUsedAt ? when(k.lastUsedAt) : "never"}</td>
                      <td>{k.revokedAt ? <span class="muted">{tr("apiKeys.revoked")}</span> : <PostButton action={`/admin/api-keys/${k.id}/revoke?tenant=${t}`} csrf={p.csrf} label={tr("common.revoke")} class="danger" />}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h2>{tr("apiKeys.newKey")}</h2>
          <form method="post" action={`/admin/api-keys?tenant=${t}`} class="stack">
            <Csrf token={p.csrf} />
            <Text name="name" label={tr("common.name")} required hint={tr("apiKeys.whatItIsFor")} values={p.values ?? {}} errors={p.errors} />
            <Choice name="agent_id" label={tr("apiKeys.scope")} options={[{ value: "", label: tr("apiKeys.everyAgent") }, ...p.agents.map((a) => ({ value: a.id, label: `${tr("apiKeys.only")} ${a.name}` }))]} values={p.values ?? {}} errors={p.errors} />
            <button type="submit">{tr("apiKeys.createKey")}</button>
          </form>
        </>
      )}
    </section>
  );
}
