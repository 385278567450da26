/** @jsxImportSource @kitajs/html */
/**
 * Skills of a tenant: every skill its AI employees can load (bundled, the data folder's, the
 * tenant's own), each with its manifest in plain words and how many AI employees use it; the
 * problems of skill files that did not load; and the upload form (a zip or a folder's files).
 */
import type { Manifest } from "../../src/skills/manifest.ts";
import type { Scope } from "./scope.ts";
import { Csrf, Flash } from "./form.tsx";
import { Empty, NoTenant, PageHead } from "./parts.tsx";

export interface SkillRow {
  name: string;
  description: string;
  /** bundled, data or tenant: where the copy in use comes from. */
  source: "bundled" | "data" | "tenant";
  manifest: Manifest;
  declared: boolean;
  /** AI employees that may load it. */
  agents: number;
}

export interface SkillsProps {
  scope: Scope;
  csrf: string;
  skills: SkillRow[] | null;
  agentCount: number;
  problems: string[];
  flash?: string;
  /** Why the last upload was refused, one line per problem. */
  uploadErrors?: string[];
}

export const SOURCE_WORDS: Record<SkillRow["source"], string> = { bundled: "built in", data: "the appliance's skill folder", tenant: "this tenant's own" };

const RISK_WORDS = { L1: "Read-only (L1): tools that write are refused", L2: "Ordinary writes (L2)", L3: "Credentials or production (L3)" } as const;
const APPROVAL_WORDS = { never: "Runs without asking anyone", "on-write": "A person approves each tool call that writes", always: "A person approves every tool call" } as const;

/** A manifest in the words an owner reads: one line per permission. */
export function manifestWords(m: Manifest, declared: boolean): string[] {
  const list = (xs: string[]) => xs.join(", ");
  return [
    m.tools.length ? `May call: ${list(m.tools)}` : "Calls no tools",
    m.network.length ? `May reach: ${list(m.network)}` : "Reaches no websites",
    m.secrets.length ? `Uses the secrets: ${list(m.secrets)}` : "Uses no secrets",
    RISK_WORDS[m.risk],
    APPROVAL_WORDS[m.approval],
    ...(declared ? [] : ["No Konstruct manifest: the most restrictive policy applies"]),
  ];
}

export function ManifestList(p: { manifest: Manifest; declared: boolean }): JSX.Element {
  return (
    <ul class="manifest">
      {manifestWords(p.manifest, p.declared).map((w) => (
        <li safe>{w}</li>
      ))}
    </ul>
  );
}

export function SkillsView(p: SkillsProps): JSX.Element {
  const t = p.scope.tenantId;
  return (
    <section>
      <PageHead title="Skills" scope={p.scope} action="/admin/skills" />
      <p class="muted">
        What each skill lets an AI employee do, in plain words. Tools from MCP servers are on <a href={`/admin/mcp${t ? `?tenant=${t}` : ""}`}>MCP servers</a>.
      </p>
      <Flash message={p.flash} />
      {!t || !p.skills ? (
        <NoTenant />
      ) : (
        <>
          {p.problems.length ? (
            <div class="flash error" role="alert">
              <p>These skill files did not load (the last good version, if any, stays in use):</p>
              <ul>{p.problems.map((x) => <li safe>{x}</li>)}</ul>
            </div>
          ) : ""}
          {p.skills.length === 0 ? (
            <Empty><p>No skills yet. Upload one below.</p></Empty>
          ) : (
            <div class="table-wrap">
              <table>
                <thead><tr><th scope="col">Skill</th><th scope="col">From</th><th scope="col">Permissions</th><th scope="col">Used by</th></tr></thead>
                <tbody>
                  {p.skills.map((s) => (
                    <tr id={`skill-${s.name}`}>
                      <td>
                        <a href={`/admin/skills/${s.name}?tenant=${t}`} safe>{s.name}</a>
                        <br /><small class="muted" safe>{s.description.slice(0, 160)}</small>
                      </td>
                      <td safe>{SOURCE_WORDS[s.source]}</td>
                      <td><ManifestList manifest={s.manifest} declared={s.declared} /></td>
                      <td safe>{`${s.agents} of ${p.agentCount}`}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h2>Upload a skill</h2>
          <p class="muted">A zip of the skill's folder, or the folder's files (SKILL.md and any references/, scripts/, assets/). Checked exactly like <code>konstruct skills validate</code>; at most 2 MB, 100 files.</p>
          {p.uploadErrors?.length ? (
            <div class="flash error" role="alert" id="upload-errors">
              <p>The skill was not uploaded:</p>
              <ul>{p.uploadErrors.map((e) => <li safe>{e}</li>)}</ul>
            </div>
          ) : ""}
          <form method="post" action={`/admin/skills/upload?tenant=${t}`} enctype="multipart/form-data" class="stack">
            <Csrf token={p.csrf} />
            <div class="field">
              <label for="f-zip">Zip file</label>
              <input id="f-zip" type="file" name="zip" accept=".zip,application/zip" />
            </div>
            <div class="field">
              <label for="f-folder">Or a folder</label>
              <input id="f-folder" type="file" name="files" multiple webkitdirectory />
            </div>
            <button type="submit">Upload</button>
          </form>
        </>
      )}
    </section>
  );
}
