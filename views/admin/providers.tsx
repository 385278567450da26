/** @jsxImportSource @kitajs/html */
/** LLM providers & keys: the platform's (platform admins) and the tenant's own (BYO keys); keys never shown. */
import type { ProviderRow } from "../../src/admin/providers/save.ts";
import type { ProviderTestResult } from "../../src/llm/pool.ts";
import type { Scope } from "./scope.ts";
import { Choice, Secret, Text } from "./fields.tsx";
import { Csrf, type FieldErrors, Flash } from "./form.tsx";
import { Empty, PageHead } from "./parts.tsx";

export interface ProvidersProps {
  scope: Scope;
  /** Null when the principal may not manage the platform's providers (their ids are listed instead). */
  platform: ProviderRow[] | null;
  platformIds: string[];
  own: ProviderRow[] | null;
  flash?: string;
}

function Rows(props: { rows: ProviderRow[]; scope: "platform" | "tenant"; tenantId: string | null }): JSX.Element {
  const q = `?scope=${props.scope}${props.tenantId ? `&tenant=${props.tenantId}` : ""}`;
  return (
    <div class="table-wrap">
      <table>
        <thead><tr><th scope="col">Id</th><th scope="col">Kind</th><th scope="col">Base URL</th><th scope="col">Test</th></tr></thead>
        <tbody>
          {props.rows.map((r) => (
            <tr>
              <td><a href={`/admin/providers/${r.id}${q}`} safe>{r.id}</a></td>
              <td>{r.kind === "openai" ? "OpenAI-compatible" : "Ollama"}</td>
              <td safe>{r.baseUrl}</td>
              <td>
                <button type="button" class="secondary" hx-post={`/admin/providers/${r.id}/test${q}`} hx-target={`#test-${props.scope}-${r.id}`} aria-label={`Test ${r.id}`}>Test</button>
                <span id={`test-${props.scope}-${r.id}`} aria-live="polite"></span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ProvidersView(p: ProvidersProps): JSX.Element {
  const t = p.scope.tenantId;
  return (
    <section>
      <PageHead title="LLM providers & keys" scope={p.scope} action="/admin/providers" />
      <Flash message={p.flash} />
      {p.platform ? (
        <>
          <h2>Platform providers</h2>
          <p class="muted">Available to every tenant's AI employees as <code>id/model</code> in their model chain.</p>
          {p.platform.length ? <Rows rows={p.platform} scope="platform" tenantId={null} /> : <Empty><p>No platform provider yet. Add one (OpenAI, OpenRouter, vLLM, Ollama…) so AI employees can answer.</p></Empty>}
          <p><a href="/admin/providers/new?scope=platform">Add a platform provider</a></p>
        </>
      ) : (
        <p class="muted">Platform providers available to you: {p.platformIds.length ? p.platformIds.join(", ") : "none"}.</p>
      )}
      {t && p.own ? (
        <>
          <h2>This tenant's own keys</h2>
          <p class="muted">Bring your own key: a provider here is used for this tenant's AI employees only, before a platform provider of the same id.</p>
          {p.own.length ? <Rows rows={p.own} scope="tenant" tenantId={t} /> : <Empty><p>No own provider: the platform's are used.</p></Empty>}
          <p><a href={`/admin/providers/new?scope=tenant&tenant=${t}`}>Add a provider for this tenant</a></p>
        </>
      ) : ""}
    </section>
  );
}

export function ProviderFormView(p: { csrf: string; scope: "platform" | "tenant"; tenantId: string | null; row: ProviderRow | null; values: Record<string, string>; errors?: FieldErrors; keyStored?: string; flash?: string }): JSX.Element {
  const q = `?scope=${p.scope}${p.tenantId ? `&tenant=${p.tenantId}` : ""}`;
  return (
    <section class="card">
      <h1>{p.row ? <span safe>{p.row.id}</span> : p.scope === "platform" ? "New platform provider" : "New provider for this tenant"}</h1>
      <Flash message={p.flash} />
      <form method="post" action={`${p.row ? `/admin/providers/${p.row.id}` : "/admin/providers"}${q}`} class="stack wide">
        <Csrf token={p.csrf} />
        <Text name="id" label="Id" values={p.values} errors={p.errors} required hint="Used in model chains as id/model, e.g. openai → openai/gpt-4o-mini" />
        <Choice name="kind" label="API" values={p.values} errors={p.errors} options={[{ value: "openai", label: "OpenAI-compatible (OpenAI, OpenRouter, vLLM, LM Studio…)" }, { value: "ollama", label: "Ollama" }]} />
        <Text name="base_url" label="Base URL" values={p.values} errors={p.errors} required hint="e.g. https://api.openai.com/v1 or http://127.0.0.1:11434" />
        <Secret name="api_key" label="API key" values={{}} errors={p.errors} stored={p.keyStored} hint="Leave empty for a local model server" />
        <Text name="timeout_ms" label="Timeout (ms)" type="number" values={p.values} errors={p.errors} />
        <Text name="max_concurrency" label="Max concurrent calls" type="number" values={p.values} errors={p.errors} />
        <div class="actions">
          <button type="submit">{p.row ? "Save" : "Add provider"}</button>
          <a href={`/admin/providers${p.tenantId ? `?tenant=${p.tenantId}` : ""}`}>Cancel</a>
        </div>
      </form>
      {p.row ? (
        <form method="post" action={`/admin/providers/${p.row.id}/delete${q}`}>
          <Csrf token={p.csrf} />
          <button type="submit" class="secondary">Delete provider</button>
        </form>
      ) : ""}
    </section>
  );
}

export function ProviderTestView(props: { result: ProviderTestResult }): JSX.Element {
  const r = props.result;
  if (!r.ok) return <span class="error" role="alert" safe>{`✗ ${r.error}`}</span>;
  const models = r.models?.length ? `: ${r.models.slice(0, 8).join(", ")}${r.models.length > 8 ? "…" : ""}` : "";
  return <span class="ok" role="status" safe>{`✓ ${r.detail}${models} (${r.latencyMs} ms)`}</span>;
}
