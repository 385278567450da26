/** @jsxImportSource @kitajs/html */
/** Teams: a coordinator and its specialists; the list, and the form that defines one. */
import type { Scope } from "./scope.ts";
import type { Agent } from "../../src/db/schema/index.ts";
import type { LoadedTeam } from "../../src/teams/store.ts";
import { Area, Choice, Text } from "./fields.tsx";
import { Csrf, type FieldErrors, Flash } from "./form.tsx";
import { VersionField } from "./versioned.tsx";
import { Empty, NoTenant, PageHead } from "./parts.tsx";
import { t } from "../../src/i18n/i18n.ts";

export function TeamList(p: { scope: Scope; teams: LoadedTeam[]; flash?: string }): JSX.Element {
  return (
    <section>
      <PageHead title={t("nav.teams")} scope={p.scope} action="/admin/teams">
        {p.scope.tenantId ? <a href={`/admin/teams/new?tenant=${p.scope.tenantId}`}>{t("teams.newTeam")}</a> : ""}
      </PageHead>
      <Flash message={p.flash} />
      {!p.scope.tenantId ? (
        <NoTenant />
      ) : p.teams.length === 0 ? (
        <Empty>
          <p>{t("teams.noTeamYetATeam")}</p>
          <p><a href={`/admin/teams/new?tenant=${p.scope.tenantId}`}>{t("teams.createTheFirstTeam")}</a></p>
        </Empty>
      ) : (
        <div class="table-wrap">
          <table>
            <thead><tr><th scope="col">{t("teams.team")}</th><th scope="col">{t("teams.coordinator")}</th><th scope="col">{t("teams.specialists")}</th><th scope="col">{t("teams.delegationsPerTurn")}</th></tr></thead>
            <tbody>
              {p.teams.map((t) => (
                <tr>
                  <td><a href={`/admin/teams/${t.team.id}?tenant=${p.scope.tenantId}`} safe>{t.team.name}</a></td>
                  <td safe>{t.coordinator.name}</td>
                  <td safe>{t.specialists.map((s) => s.agent.name).join(", ")}</td>
                  <td>{t.team.maxFanout}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function TeamFormView(p: { csrf: string; tenantId: string; team: LoadedTeam | null; agents: Agent[]; channels: string[]; values: Record<string, string>; errors?: FieldErrors; flash?: string }): JSX.Element {
  const q = `?tenant=${p.tenantId}`;
  const v = { values: p.values, errors: p.errors };
  return (
    <section class="card">
      <h1 safe>{p.team ? p.team.team.name : t("teams.newTeam")}</h1>
      <Flash message={p.flash} />
      <form method="post" action={`${p.team ? `/admin/teams/${p.team.team.id}` : "/admin/teams"}${q}`} class="stack wide">
        <Csrf token={p.csrf} />
        {p.team ? <VersionField value={p.values.version} error={p.errors?.version} /> : ""}
        <Text name="name" label={t("common.name")} {...v} required hint={t("teams.eGFrontDesk")} />
        <Text name="slug" label={t("agents.slug")} {...v} required hint={t("teams.shortIdAZ0")} />
        <Choice name="coordinator" label={t("teams.coordinator")} {...v} options={[{ value: "", label: "— pick —" }, ...p.agents.map((a) => ({ value: a.id, label: `${a.name} (${a.slug})` }))]} hint={t("teams.theAiEmployeeThatAnswers")} />
        <Area
          name="members"
          label={t("teams.specialists")}
          {...v}
          rows={5}
          hint={`${t("teams.specialistsHint")} ${p.agents.map((a) => a.slug).join(", ")}`}
        />
        <Text name="max_fanout" label={t("teams.delegationsPerTurn")} type="number" {...v} hint={t("teams.howManyTimesTheCoordinator")} />
        <Area name="channels" label={t("teams.answerOnChannels")} {...v} rows={2} hint={`${t("teams.channelsHint")} ${p.channels.join(", ") || t("teams.noneYet")}`} />
        <div class="actions">
          <button type="submit">{p.team ? t("common.save") : t("teams.createTeam")}</button>
          <a href={`/admin/teams${q}`}>{t("common.cancel")}</a>
          {p.team ? <a href={`/admin/history/team/${p.team.team.id}${q}`}>{t("agents.history")}</a> : ""}
        </div>
      </form>
      {p.team ? (
        <form method="post" action={`/admin/teams/${p.team.team.id}/delete${q}`}>
          <Csrf token={p.csrf} />
          <button type="submit" class="secondary">{t("teams.deleteTeam")}</button>
        </form>
      ) : ""}
    </section>
  );
}
