/** @jsxImportSource @kitajs/html */
/** LLM providers & keys: the platform's (platform admins) and the tenant's own (BYO keys); keys never shown. */
import type { ProviderRow } from "../../src/admin/providers/save.ts";
import type { ProviderTestResult } from "../../src/llm/pool.ts";
import type { Scope } from "./scope.ts";
import { Choice, Secret, Text } from "./fields.tsx";
import { Csrf, type FieldErrors, Flash } from "./form.tsx";
import { Empty, PageHead } from "./parts.tsx";
import { t as tr } from "../../src/i18n/i18n.ts";

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
        <thead><tr><th scope="col">{tr("providers.id")}</th><th scope="col">{tr("audit.kind")}</th><th scope="col">{tr("providers.baseUrl")}</th><th scope="col">{tr("mcp.test")}</th></tr></thead>
        <tbody>
          {props.rows.map((r) => (
            <tr>
              <td><a href={`/admin/providers/${r.id}${q}`} safe>{r.id}</a></td>
              <td>{r.kind === "openai" ? tr("providers.openaiCompatible") : "Ollama"}</td>
              <td safe>{r.baseUrl}</td>
              <td>
                <button type="button" class="secondary" hx-post={`/admin/providers/${r.id}/test${q}`} hx-target={`#test-${props.scope}-${r.id}`} aria-label={`${tr("mcp.test")} ${r.id}`}>{tr("mcp.test")}</button>
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
      <PageHead title={tr("providers.llmProvidersKeys")} scope={p.scope} action="/admin/providers" />
      <Flash message={p.flash} />
      {p.platform ? (
        <>
          <h2>{tr("providers.platformProviders")}</h2>
          <p class="muted">{tr("providers.availableToEveryTenantS")}{" "}<code>id/model</code>{" "}{tr("providers.inTheirModelChain")}</p>
          {p.platform.length ? <Rows rows={p.platform} scope="platform" tenantId={null} /> : <Empty><p>{tr("providers.noPlatformProviderYetAdd")}</p></Empty>}
          <p><a href="/admin/providers/new?scope=platform">{tr("providers.addAPlatformProvider")}</a></p>
        </>
      ) : (
        <p class="muted">{tr("providers.platformProvidersAvailableToYou")}{" "}{p.platformIds.length ? p.platformIds.join(", ") : "none"}.</p>
      )}
      {t && p.own ? (
        <>
          <h2>{tr("providers.thisTenantSOwnKeys")}</h2>
          <p class="muted">{tr("providers.bringYourOwnKeyA")}</p>
          {p.own.length ? <Rows rows={p.own} scope="tenant" tenantId={t} /> : <Empty><p>{tr("providers.noOwnProviderThePlatform")}</p></Empty>}
          <p><a href={`/admin/providers/new?scope=tenant&tenant=${t}`}>{tr("providers.addAProviderForThis")}</a></p>
        </>
      ) : ""}
    </section>
  );
}

export function ProviderFormView(p: { csrf: string; scope: "platform" | "tenant"; tenantId: string | null; row: ProviderRow | null; values: Record<string, string>; errors?: FieldErrors; keyStored?: string; flash?: string }): JSX.Element {
  const q = `?scope=${p.scope}${p.tenantId ? `&tenant=${p.tenantId}` : ""}`;
  return (
    <section class="card">
      <h1>{p.row ? <span safe>{p.row.id}</span> : p.scope === "platform" ? tr("providers.newPlatformProvider") : tr("providers.newTenantProvider")}</h1>
      <Flash message={p.flash} />
      <form method="post" action={`${p.row ? `/admin/providers/${p.row.id}` : "/admin/providers"}${q}`} class="stack wide">
        <Csrf token={p.csrf} />
        <Text name="id" label={tr("providers.id")} values={p.values} errors={p.errors} required hint={tr("providers.usedInModelChainsAs")} />
        <Choice name="kind" label={tr("nav.api")} values={p.values} errors={p.errors} options={[{ value: "openai", label: "OpenAI-compatible (OpenAI, OpenRouter, vLLM, LM Studio…)" }, { value: "ollama", label: "Ollama" }]} />
        <Text name="base_url" label={tr("providers.baseUrl")} values={p.values} errors={p.errors} required hint={tr("providers.eGHttpsApiOpenai")} />
        <Secret name="api_key" label={tr("providers.apiKey")} values={{}} errors={p.errors} stored={p.keyStored} hint={tr("providers.leaveEmptyForALocal")} />
        <Text name="timeout_ms" label={tr("providers.timeoutMs")} type="number" values={p.values} errors={p.errors} />
        <Text name="max_concurrency" label={tr("providers.maxConcurrentCalls")} type="number" values={p.values} errors={p.errors} />
        <div class="actions">
          <button type="submit">{p.row ? tr("common.save") : tr("providers.addProvider")}</button>
          <a href={`/admin/providers${p.tenantId ? `?tenant=${p.tenantId}` : ""}`}>{tr("common.cancel")}</a>
        </div>
      </form>
      {p.row ? (
        <form method="post" action={`/admin/providers/${p.row.id}/delete${q}`}>
          <Csrf token={p.csrf} />
          <button type="submit" class="secondary">{tr("providers.deleteProvider")}</button>
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
