/** @jsxImportSource @kitajs/html */
/**
 * A tenant's MCP servers: those from config (read-only here, marked "from config") and those added
 * in the console (streamable HTTP: URL, headers, timeout). Test connects and lists the tools; each
 * tool has a read-only checkbox (a read-only tool never needs on-write approval). Header values
 * are never shown: the form lists their names and a new value replaces them all.
 */
import type { Scope } from "./scope.ts";
import { Area, Text } from "./fields.tsx";
import { Csrf, type FieldErrors, Flash, PostButton } from "./form.tsx";
import { Empty, NoTenant, PageHead, when } from "./parts.tsx";
import { t as tr } from "../../src/i18n/i18n.ts";

export interface McpServerRow {
  name: string;
  /** The URL, or for a stdio server its command line. */
  target: string;
  fromConfig: boolean;
  headerNames: string[];
  readOnlyTools: string[];
  updatedAt: Date | null;
}

export interface McpTestResult {
  server: string;
  tools?: { name: string; description: string; readOnly: boolean }[];
  error?: string;
}

export interface McpProps {
  scope: Scope;
  csrf: string;
  servers: McpServerRow[] | null;
  flash?: string;
  test?: McpTestResult;
  values?: Record<string, string | undefined>;
  errors?: FieldErrors;
}

function Tested(p: { t: McpTestResult; csrf: string; tenant: string; editable: boolean }): JSX.Element {
  if (p.t.error) return <p class="flash error" role="alert" id="mcp-test" safe>{`${p.t.server}: could not list its tools: ${p.t.error}`}</p>;
  const tools = p.t.tools ?? [];
  return (
    <div class="flash" role="status" id="mcp-test">
      <p safe>{`${p.t.server}: connected, ${tools.length} tool(s).`}</p>
      <form method="post" action={`/admin/mcp/${p.t.server}/read-only?tenant=${p.tenant}`} class="stack">
        <Csrf token={p.csrf} />
        <fieldset>
          <legend class="muted">{tr("mcp.checkedTheToolOnlyReads")}</legend>
          {tools.map((t) => (
            <label class="check">
              <input type="checkbox" name="tool" value={t.name} checked={t.readOnly} disabled={!p.editable} /> <code safe>{t.name}</code> <small class="muted" safe>{t.description}</small>
            </label>
          ))}
        </fieldset>
        {p.editable ? <button type="submit">{tr("mcp.saveReadOnlyFlags")}</button> : <p class="muted">{tr("mcp.fromConfigChangeReadOnly")}</p>}
      </form>
    </div>
  );
}

export function McpView(p: McpProps): JSX.Element {
  const t = p.scope.tenantId;
  const v = p.values ?? {};
  return (
    <section>
      <PageHead title={tr("mcp.mcpServers")} scope={p.scope} action="/admin/mcp" />
      <p class="muted">
        {tr("mcp.anMcpServerGivesThis")}{" "}<code>mcp__server__tool</code>{tr("mcp.aSkillMustAllow")}<a href={`/admin/skills${t ? `?tenant=${t}` : ""}`}>{tr("mcp.skills")}</a>{tr("mcp.liveFromNext")}
      </p>
      <Flash message={p.flash} />
      {!t || !p.servers ? (
        <NoTenant />
      ) : (
        <>
          {p.test ? <Tested t={p.test} csrf={p.csrf} tenant={t} editable={!p.servers.find((s) => s.name === p.test!.server)?.fromConfig} /> : ""}
          {p.servers.length === 0 ? (
            <Empty><p>{tr("mcp.noMcpServersYetAdd")}</p></Empty>
          ) : (
            <div class="table-wrap">
              <table>
                <thead><tr><th scope="col">{tr("common.name")}</th><th scope="col">{tr("mcp.address")}</th><th scope="col">{tr("mcp.readOnlyTools")}</th><th scope="col">{tr("common.actions")}</th></tr></thead>
                <tbody>
                  {p.servers.map((s) => (
                    <tr id={`mcp-${s.name}`}>
                      <td><span safe>{s.name}</span>{s.fromConfig ? <><br /><small class="muted">{tr("mcp.fromConfig")}</small></> : ""}</td>
                      <td>
                        <code safe>{s.target}</code>
                        {s.headerNames.length ? <><br /><small class="muted" safe>{`headers: ${s.headerNames.join(", ")} (hidden)`}</small></> : ""}
                        {s.updatedAt ? <><br /><small class="muted">{`saved ${when(s.updatedAt)}`}</small></> : ""}
                      </td>
                      <td safe>{s.readOnlyTools.join(", ") || "none"}</td>
                      <td class="actions">
                        <PostButton action={`/admin/mcp/${s.name}/test?tenant=${t}`} csrf={p.csrf} label={tr("mcp.test")} />
                        {s.fromConfig ? "" : <PostButton action={`/admin/mcp/${s.name}/delete?tenant=${t}`} csrf={p.csrf} label={tr("common.delete")} class="danger" />}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h2>{tr("mcp.addOrChangeAServer")}</h2>
          <p class="muted">{tr("mcp.streamableHttpOnlyAProgram")}</p>
          <form method="post" action={`/admin/mcp?tenant=${t}`} class="stack">
            <Csrf token={p.csrf} />
            <Text name="name" label={tr("common.name")} required hint={tr("mcp.aZ09And")} values={v} errors={p.errors} />
            <Text name="url" label={tr("mcp.url")} type="url" required hint={tr("mcp.httpsCheckedAgainstTheAppliance")} values={v} errors={p.errors} />
            <Area name="headers" label={tr("mcp.headers")} rows={3} hint={tr("mcp.oneNameValuePerLine")} values={{ headers: "" }} errors={p.errors} />
            <Text name="timeout_s" label={tr("mcp.timeoutSeconds")} type="number" hint={tr("mcp.perToolCall1300")} values={{ timeout_s: v.timeout_s ?? "30" }} errors={p.errors} />
            <button type="submit">{tr("mcp.saveServer")}</button>
          </form>
        </>
      )}
    </section>
  );
}
