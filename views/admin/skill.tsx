/** @jsxImportSource @kitajs/html */
/**
 * One skill: its permissions in plain words, what the model reads, its files, which AI employees
 * may load it (checkboxes), and — for the tenant's own skills — the SKILL.md editor (problems
 * shown next to it, the file unchanged until it validates) and its history with a diff per
 * version and "Roll back".
 */
import type { Skill } from "../../src/skills/manifest.ts";
import { type HistoryEntry, VersionEntry } from "./history.tsx";
import { Csrf, Flash } from "./form.tsx";
import { ManifestList, sourceWords } from "./skills.tsx";
import { t } from "../../src/i18n/i18n.ts";

export interface SkillProps {
  csrf: string;
  tenantId: string;
  skill: Skill;
  agents: { id: string; name: string; enabled: boolean }[];
  /** The tenant's own SKILL.md (editable), or null for a bundled or data-folder skill. */
  text: string | null;
  /** The editor's problems (the text shown is what was sent). */
  problems?: string[];
  flash?: string;
}

export function SkillView(p: SkillProps): JSX.Element {
  const q = `?tenant=${p.tenantId}`;
  const base = `/admin/skills/${p.skill.name}`;
  return (
    <section class="card">
      <h1 safe>{p.skill.name}</h1>
      <p><a href={`/admin/skills${q}`}>{t("skill.allSkills")}</a>{p.text !== null ? <> · <a href={`${base}/history${q}`}>{t("agents.history")}</a></> : ""}</p>
      <Flash message={p.flash} />
      <p safe>{p.skill.description}</p>
      <p class="muted" safe>{`${t("skill.fromSource")} ${sourceWords(p.skill.source)}${p.skill.license ? ` · ${t("skill.license")} ${p.skill.license}` : ""}`}</p>
      <h2>{t("skill.permissions")}</h2>
      <ManifestList manifest={p.skill.manifest} declared={p.skill.declared} />
      <h2>{t("skill.aiEmployeesThatUseIt")}</h2>
      {p.agents.length === 0 ? <p class="muted">{t("skill.noAiEmployeesYet")}</p> : (
        <form method="post" action={`${base}/agents${q}`} class="stack">
          <Csrf token={p.csrf} />
          <fieldset>
            <legend class="muted">{t("skill.checkedTheAiEmployeeMay")}</legend>
            {p.agents.map((a) => (
              <label class="check">
                <input type="checkbox" name="agent" value={a.id} checked={a.enabled} /> <span safe>{a.name}</span>
              </label>
            ))}
          </fieldset>
          <button type="submit">{t("common.save")}</button>
        </form>
      )}
      {p.skill.resources.length ? (
        <>
          <h2>{t("skill.files")}</h2>
          <ul>{p.skill.resources.map((r) => <li><code safe>{r}</code></li>)}</ul>
        </>
      ) : ""}
      {p.text === null ? (
        <>
          <h2>{t("skill.whatTheAiEmployeeReads")}</h2>
          <pre class="skill-body" tabindex="0"><code safe>{p.skill.body}</code></pre>
          <p class="muted">{t("skill.thisSkillIsNotThe")}</p>
        </>
      ) : (
        <>
          <h2>{t("skill.editSkillMd")}</h2>
          {p.problems?.length ? (
            <div class="flash error" role="alert" id="skill-problems">
              <p>{t("skill.notSavedFixTheseFirst")}</p>
              <ul>{p.problems.map((x) => <li safe>{x}</li>)}</ul>
            </div>
          ) : ""}
          <form method="post" action={`${base}${q}`} class="stack">
            <Csrf token={p.csrf} />
            <div class="field">
              <label for="f-text">SKILL.md</label>
              <textarea id="f-text" name="text" rows="22" class="mono" spellcheck="false" aria-describedby={p.problems?.length ? "skill-problems" : undefined} safe>{p.text}</textarea>
            </div>
            <button type="submit">{t("skill.saveAsANewVersion")}</button>
          </form>
        </>
      )}
    </section>
  );
}

export function SkillHistoryView(p: { csrf: string; tenantId: string; name: string; entries: HistoryEntry[]; current: number; flash?: string }): JSX.Element {
  const q = `?tenant=${p.tenantId}`;
  return (
    <section class="card">
      <h1>{t("history.historyOf")} <span safe>{p.name}</span></h1>
      <Flash message={p.flash} />
      <p><a href={`/admin/skills/${p.name}${q}`}>{t("skill.backToTheSkill")}</a></p>
      {p.entries.length === 0 ? <p class="muted">{t("history.noVersionsYetTheNext")}</p> : ""}
      {p.entries.map((e) => <VersionEntry csrf={p.csrf} entry={e} current={p.current} rollback={`/admin/skills/${p.name}/rollback${q}`} />)}
    </section>
  );
}
