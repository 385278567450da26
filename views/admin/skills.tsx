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
import { t as tr } from "../../src/i18n/i18n.ts";

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

export const sourceWords = (s: SkillRow["source"]): string => tr(s === "bundled" ? "skills.sourceBundled" : s === "data" ? "skills.sourceData" : "skills.sourceTenant");

const RISK_WORDS = { L1: "skills.riskL1", L2: "skills.riskL2", L3: "skills.riskL3" } as const;
const APPROVAL_WORDS = { never: "skills.approvalNever", "on-write": "skills.approvalOnWrite", always: "skills.approvalAlways" } as const;

/** A manifest in the words an owner reads: one line per permission. */
export function manifestWords(m: Manifest, declared: boolean): string[] {
  const list = (xs: string[]) => xs.join(", ");
  return [
    m.tools.length ? `${tr("skills.mayCall")} ${list(m.tools)}` : tr("skills.callsNoTools"),
    m.network.length ? `${tr("skills.mayReach")} ${list(m.network)}` : tr("skills.reachesNoWebsites"),
    m.secrets.length ? `${tr("skills.usesSecrets")} ${list(m.secrets)}` : tr("skills.usesNoSecrets"),
    tr(RISK_WORDS[m.risk]),
    tr(APPROVAL_WORDS[m.approval]),
    ...(declared ? [] : [tr("skills.noManifest")]),
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
      <PageHead title={tr("mcp.skills")} scope={p.scope} action="/admin/skills" />
      <p class="muted">
        {tr("skills.whatEachSkillLetsAn")}{" "}<a href={`/admin/mcp${t ? `?tenant=${t}` : ""}`}>{tr("mcp.mcpServers")}</a>.
      </p>
      <Flash message={p.flash} />
      {!t || !p.skills ? (
        <NoTenant />
      ) : (
        <>
          {p.problems.length ? (
            <div class="flash error" role="alert">
              <p>{tr("skills.theseSkillFilesDidNot")}</p>
              <ul>{p.problems.map((x) => <li safe>{x}</li>)}</ul>
            </div>
          ) : ""}
          {p.skills.length === 0 ? (
            <Empty><p>{tr("skills.noSkillsYetUploadOne")}</p></Empty>
          ) : (
            <div class="table-wrap">
              <table>
                <thead><tr><th scope="col">{tr("skills.skill")}</th><th scope="col">{tr("audit.from")}</th><th scope="col">{tr("skill.permissions")}</th><th scope="col">{tr("skills.usedBy")}</th></tr></thead>
                <tbody>
                  {p.skills.map((s) => (
                    <tr id={`skill-${s.name}`}>
                      <td>
                        <a href={`/admin/skills/${s.name}?tenant=${t}`} safe>{s.name}</a>
                        <br /><small class="muted" lang={s.source === "tenant" ? undefined : "en"} safe>{s.description.slice(0, 160)}</small>
                      </td>
                      <td safe>{sourceWords(s.source)}</td>
                      <td><ManifestList manifest={s.manifest} declared={s.declared} /></td>
                      <td safe>{`${s.agents} ${tr("skills.usedByOf")} ${p.agentCount}`}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h2>{tr("skills.uploadASkill")}</h2>
          <p class="muted">{tr("skills.aZipOfTheSkill")}{" "}<code>konstruct skills validate</code>; at most 2 MB, 100 files.</p>
          {p.uploadErrors?.length ? (
            <div class="flash error" role="alert" id="upload-errors">
              <p>{tr("skills.theSkillWasNotUploaded")}</p>
              <ul>{p.uploadErrors.map((e) => <li safe>{e}</li>)}</ul>
            </div>
          ) : ""}
          <form method="post" action={`/admin/skills/upload?tenant=${t}`} enctype="multipart/form-data" class="stack">
            <Csrf token={p.csrf} />
            <div class="field">
              <label for="f-zip">{tr("skills.zipFile")}</label>
              <input id="f-zip" type="file" name="zip" accept=".zip,application/zip" />
            </div>
            <div class="field">
              <label for="f-folder">{tr("skills.orAFolder")}</label>
              <input id="f-folder" type="file" name="files" multiple webkitdirectory />
            </div>
            <button type="submit">{tr("knowledge.upload")}</button>
          </form>
        </>
      )}
    </section>
  );
}
