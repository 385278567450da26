/** @jsxImportSource @kitajs/html */
/** Teams: a coordinator and its specialists; the list, and the form that defines one. */
import type { Scope } from "./scope.ts";
import type { Agent } from "../../src/db/schema/index.ts";
import type { LoadedTeam } from "../../src/teams/store.ts";
import { Area, Choice, Text } from "./fields.tsx";
import { Csrf, type FieldErrors, Flash } from "./form.tsx";
import { VersionField } from "./versioned.tsx";
import { Empty, NoTenant, PageHead } from "./parts.tsx";

export function TeamList(p: { scope: Scope; teams: LoadedTeam[]; flash?: string }): JSX.Element {
  return (
    <section>
      <PageHead title="Teams" scope={p.scope} action="/admin/teams">
        {p.scope.tenantId ? <a href={`/admin/teams/new?tenant=${p.scope.tenantId}`}>New team</a> : ""}
      </PageHead>
      <Flash message={p.flash} />
      {!p.scope.tenantId ? (
        <NoTenant />
      ) : p.teams.length === 0 ? (
        <Empty>
          <p>No team yet. A team is a coordinator that answers and specialists it hands work to — e.g. a front desk with IT, HR and billing.</p>
          <p><a href={`/admin/teams/new?tenant=${p.scope.tenantId}`}>Create the first team</a></p>
        </Empty>
      ) : (
        <div class="table-wrap">
          <table>
            <thead><tr><th scope="col">Team</th><th scope="col">Coordinator</th><th scope="col">Specialists</th><th scope="col">Delegations per turn</th></tr></thead>
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
      <h1 safe>{p.team ? p.team.team.name : "New team"}</h1>
      <Flash message={p.flash} />
      <form method="post" action={`${p.team ? `/admin/teams/${p.team.team.id}` : "/admin/teams"}${q}`} class="stack wide">
        <Csrf token={p.csrf} />
        {p.team ? <VersionField value={p.values.version} error={p.errors?.version} /> : ""}
        <Text name="name" label="Name" {...v} required hint="e.g. Front desk" />
        <Text name="slug" label="Slug" {...v} required hint="Short id (a-z, 0-9, -), e.g. front-desk" />
        <Choice name="coordinator" label="Coordinator" {...v} options={[{ value: "", label: "— pick —" }, ...p.agents.map((a) => ({ value: a.id, label: `${a.name} (${a.slug})` }))]} hint="The AI employee that answers; it gets a delegate tool listing the specialists" />
        <Area
          name="members"
          label="Specialists"
          {...v}
          rows={5}
          hint={`One per line: agent-slug | what they handle. The description is what the coordinator reads and what clear messages are routed by (no model call). AI employees: ${p.agents.map((a) => a.slug).join(", ")}`}
        />
        <Text name="max_fanout" label="Delegations per turn" type="number" {...v} hint="How many times the coordinator may hand work out while answering one message (1-10)" />
        <Area name="channels" label="Answer on channels" {...v} rows={2} hint={`One channel name per line: the team's coordinator answers there. Channels: ${p.channels.join(", ") || "none yet"}`} />
        <div class="actions">
          <button type="submit">{p.team ? "Save" : "Create team"}</button>
          <a href={`/admin/teams${q}`}>Cancel</a>
          {p.team ? <a href={`/admin/history/team/${p.team.team.id}${q}`}>History</a> : ""}
        </div>
      </form>
      {p.team ? (
        <form method="post" action={`/admin/teams/${p.team.team.id}/delete${q}`}>
          <Csrf token={p.csrf} />
          <button type="submit" class="secondary">Delete team</button>
        </form>
      ) : ""}
    </section>
  );
}
