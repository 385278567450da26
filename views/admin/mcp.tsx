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
          <legend class="muted">Checked: the tool only reads (it never needs approval as a write)</legend>
          {tools.map((t) => (
            <label class="check">
              <input type="checkbox" name="tool" value={t.name} checked={t.readOnly} disabled={!p.editable} /> <code safe>{t.name}</code> <small class="muted" safe>{t.description}</small>
            </label>
          ))}
        </fieldset>
        {p.editable ? <button type="submit">Save read-only flags</button> : <p class="muted">From config: change read_only_tools in the config file.</p>}
      </form>
    </div>
  );
}

export function McpView(p: McpProps): JSX.Element {
  const t = p.scope.tenantId;
  const v = p.values ?? {};
  return (
    <section>
      <PageHead title="MCP servers" scope={p.scope} action="/admin/mcp" />
      <p class="muted">
        An MCP server gives this tenant's AI employees its tools as <code>mcp__server__tool</code>; a skill must allow them (<a href={`/admin/skills${t ? `?tenant=${t}` : ""}`}>Skills</a>). Changes are live from the next message.
      </p>
      <Flash message={p.flash} />
      {!t || !p.servers ? (
        <NoTenant />
      ) : (
        <>
          {p.test ? <Tested t={p.test} csrf={p.csrf} tenant={t} editable={!p.servers.find((s) => s.name === p.test!.server)?.fromConfig} /> : ""}
          {p.servers.length === 0 ? (
            <Empty><p>No MCP servers yet. Add one below.</p></Empty>
          ) : (
            <div class="table-wrap">
              <table>
                <thead><tr><th scope="col">Name</th><th scope="col">Address</th><th scope="col">Read-only tools</th><th scope="col">Actions</th></tr></thead>
                <tbody>
                  {p.servers.map((s) => (
                    <tr id={`mcp-${s.name}`}>
                      <td><span safe>{s.name}</span>{s.fromConfig ? <><br /><small class="muted">from config</small></> : ""}</td>
                      <td>
                        <code safe>{s.target}</code>
                        {s.headerNames.length ? <><br /><small class="muted" safe>{`headers: ${s.headerNames.join(", ")} (hidden)`}</small></> : ""}
                        {s.updatedAt ? <><br /><small class="muted">{`saved ${when(s.updatedAt)}`}</small></> : ""}
                      </td>
                      <td safe>{s.readOnlyTools.join(", ") || "none"}</td>
                      <td class="actions">
                        <PostButton action={`/admin/mcp/${s.name}/test?tenant=${t}`} csrf={p.csrf} label="Test" />
                        {s.fromConfig ? "" : <PostButton action={`/admin/mcp/${s.name}/delete?tenant=${t}`} csrf={p.csrf} label="Delete" class="danger" />}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h2>Add or change a server</h2>
          <p class="muted">Streamable HTTP only (a program on the appliance, stdio, is set in the config file by the platform). Saving an existing name changes that server.</p>
          <form method="post" action={`/admin/mcp?tenant=${t}`} class="stack">
            <Csrf token={p.csrf} />
            <Text name="name" label="Name" required hint="a-z, 0-9 and single '-'; the tools are named mcp__name__tool" values={v} errors={p.errors} />
            <Text name="url" label="URL" type="url" required hint="https://… — checked against the appliance's outbound rules" values={v} errors={p.errors} />
            <Area name="headers" label="Headers" rows={3} hint="one 'Name: value' per line, e.g. Authorization: Bearer …; kept sealed, never shown again. Empty keeps the saved ones." values={{ headers: "" }} errors={p.errors} />
            <Text name="timeout_s" label="Timeout (seconds)" type="number" hint="per tool call, 1-300" values={{ timeout_s: v.timeout_s ?? "30" }} errors={p.errors} />
            <button type="submit">Save server</button>
          </form>
        </>
      )}
    </section>
  );
}
