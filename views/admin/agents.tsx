/** @jsxImportSource @kitajs/html */
/** Agent Designer: the AI employees of a tenant, and the form that defines one. */
import type { Scope } from "./scope.ts";
import type { Agent, Channel } from "../../src/db/schema/index.ts";
import type { HeartbeatSummary } from "../../src/heartbeat/runs.ts";
import { HeartbeatFields, HeartbeatRuns } from "./agent-heartbeat.tsx";
import { ScopeFields, UnscopedWarning } from "./agent-scope.tsx";
import { PreviewPanel } from "./agent-preview.tsx";
import { Area, Text } from "./fields.tsx";
import { Csrf, type FieldErrors, Flash } from "./form.tsx";
import type { Page } from "./page.ts";
import { Empty, NoTenant, PageHead, Pager, usd } from "./parts.tsx";
import { t as tr } from "../../src/i18n/i18n.ts";

export interface TemplateSummary {
  id: string;
  title: string;
  description: string;
  source: "bundled" | "data";
}

export function AgentList(props: { scope: Scope; agents: Page<Agent>; flash?: string; templates?: TemplateSummary[]; templateProblems?: string[] }): JSX.Element {
  return (
    <section>
      <PageHead title={tr("agents.aiEmployees")} scope={props.scope} action="/admin/agents">
        {props.scope.tenantId ? <a href="/admin/agents/new">{tr("agents.newAiEmployee")}</a> : ""}
      </PageHead>
      <Flash message={props.flash} />
      {!props.scope.tenantId ? (
        <NoTenant />
      ) : props.agents.rows.length === 0 && props.agents.page === 1 ? (
        <Empty>
          <p>{tr("agents.noAiEmployeeYetGive")}</p>
          <p><a href="/admin/agents/new">{tr("dashboard.designFirst")}</a></p>
        </Empty>
      ) : (
        <div class="table-wrap">
          <table>
            <thead><tr><th scope="col">{tr("common.name")}</th><th scope="col">{tr("common.role")}</th><th scope="col">{tr("agents.models")}</th><th scope="col">{tr("agents.dailyBudget")}</th><th scope="col">{tr("agentHeartbeat.heartbeat")}</th></tr></thead>
            <tbody>
              {props.agents.rows.map((a) => (
                <tr>
                  <td><a href={`/admin/agents/${a.id}`} safe>{a.name}</a></td>
                  <td safe>{a.role}</td>
                  <td safe>{a.models.join(" → ")}</td>
                  <td>{Number(a.dailyBudgetUsd) ? usd(Number(a.dailyBudgetUsd)) : "no cap"}</td>
                  <td>{a.heartbeat ? `every ${a.heartbeat.everyMinutes} min` : "off"}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager base="/admin/agents" params={{ tenant: props.scope.tenantId ?? undefined }} page={props.agents.page} hasNext={props.agents.hasNext} />
        </div>
      )}
      {props.scope.tenantId && props.templates?.length ? <TemplatePicker tenantId={props.scope.tenantId} templates={props.templates} problems={props.templateProblems ?? []} /> : ""}
    </section>
  );
}

/** "Hire from template": each role opens the Designer pre-filled; templates the data dir holds but that failed validation are named. */
function TemplatePicker(p: { tenantId: string; templates: TemplateSummary[]; problems: string[] }): JSX.Element {
  return (
    <>
      <h2 id="templates">{tr("agents.hireFromTemplate")}</h2>
      <div class="table-wrap">
        <table>
          <thead><tr><th scope="col">{tr("common.role")}</th><th scope="col">{tr("agents.whatItDoes")}</th><th scope="col"></th></tr></thead>
          <tbody>
            {p.templates.map((t) => (
              <tr>
                <td lang={t.source === "data" ? undefined : "en"} safe>{t.title}</td>
                <td lang={t.source === "data" ? undefined : "en"} safe>{t.description}</td>
                <td><a href={`/admin/agents/new?tenant=${p.tenantId}&template=${encodeURIComponent(t.id)}`} aria-label={`${tr("agents.hireNamed")} ${t.title}`}>{tr("agents.hire")}</a>{t.source === "data" ? ` ${tr("agents.custom")}` : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {p.problems.length ? (
        <div class="flash error" role="alert">
          <p>{tr("agents.templatesNotOfferedFixThe")}</p>
          <ul>{p.problems.map((m) => <li safe>{m}</li>)}</ul>
        </div>
      ) : ""}
    </>
  );
}

export interface AgentFormProps {
  csrf: string;
  tenantId: string;
  agent: Agent | null;
  values: Record<string, string>;
  errors?: FieldErrors;
  flash?: string;
  channels: Channel[];
  providers: string[];
  /** The tenant's channel names (where a heartbeat may reach out). */
  tenantChannels?: string[];
  /** The heartbeat's runs (editing an existing agent). */
  heartbeat?: HeartbeatSummary;
  /** Hiring from a role template: the form is pre-filled from it. */
  template?: { id: string; title: string; modelHint: string };
}

export function AgentFormView(p: AgentFormProps): JSX.Element {
  const a = p.agent;
  const q = `?tenant=${p.tenantId}`;
  return (
    <section class="card">
      <h1 safe>{a ? a.name : tr("agents.newAiEmployee")}</h1>
      <Flash message={p.flash} />
      {p.template ? <p class="muted" safe>{`From the template “${p.template.title}”. Suggested model: ${p.template.modelHint}. Review, pick the model chain, then create.`}</p> : ""}
      {a?.source === "config" ? <p class="muted">{tr("agents.declaredInKonstructConfigYaml")}</p> : ""}
      {a && !a.scope && p.channels.some((c) => c.kind === "whatsapp") ? <UnscopedWarning /> : ""}
      <div class="designer">
      <form method="post" action={`${a ? `/admin/agents/${a.id}` : "/admin/agents"}${q}`} class="stack wide" id="agent-form">
        <Csrf token={p.csrf} />
        {/* The version this form was loaded from: a save from an older one is refused (src/versions/). */}
        {a ? <input type="hidden" name="version" value={p.values.version ?? "0"} /> : ""}
        {p.errors?.version ? <p class="flash error" role="alert" id="f-version-error" safe>{p.errors.version}</p> : ""}
        <Text name="name" label={tr("common.name")} values={p.values} errors={p.errors} required hint={tr("agents.whatColleaguesCallItE")} />
        <Text name="slug" label={tr("agents.slug")} values={p.values} errors={p.errors} required hint={tr("agents.shortIdAZ0")} />
        <Text name="role" label={tr("common.role")} values={p.values} errors={p.errors} hint={tr("agents.eGSupportEngineer")} />
        <Area name="persona" label={tr("agents.persona")} values={p.values} errors={p.errors} rows={3} hint={tr("agents.toneAndMannerEG")} />
        <Area name="instructions" label={tr("agents.instructionsSystemPrompt")} values={p.values} errors={p.errors} rows={8} />
        <Area
          name="models"
          label={tr("agents.modelChain")}
          values={p.values}
          errors={p.errors}
          rows={3}
          hint={`${tr("agents.modelChainHint")} ${p.providers.length ? `${tr("agents.providersAre")} ${p.providers.join(", ")}.` : tr("agents.addProviderFirst")}`}
        />
        <Text name="daily_budget_usd" label={tr("agents.dailyBudgetUsd")} type="number" values={p.values} errors={p.errors} hint={tr("agents.0NoCap")} />
        <Text name="monthly_budget_usd" label={tr("agents.monthlyBudgetUsd")} type="number" values={p.values} errors={p.errors} hint={tr("agents.0NoCap")} />
        <Text name="context_tokens" label={tr("agents.contextWindowTokens")} type="number" values={p.values} errors={p.errors} />
        <Text name="max_tool_iterations" label={tr("agents.maxToolRoundTripsPer")} type="number" values={p.values} errors={p.errors} />
        <Area name="skills" label={tr("agents.enabledSkills")} values={p.values} errors={p.errors} rows={2} hint={tr("agents.oneSkillNamePerLine")} />
        <Area name="escalation_rules" label={tr("agents.escalationRules")} values={p.values} errors={p.errors} rows={3} hint={tr("agents.guidanceForTheModelWhen")} />
        <Area
          name="escalation_conditions"
          label={tr("agents.escalationConditions")}
          values={p.values}
          errors={p.errors}
          rows={3}
          hint={
            `${tr("agents.escalationHint")} ${tr("agents.escalationExample")} ` +
            `${tr("agents.escalationSignals")} sentiment, attempts, repeats, failures, budget_stop, approvals_denied, ${tr("agents.theTopics")} billing_dispute, refunds, legal, contains("…"), matches("pattern").`
          }
        />
        <ScopeFields values={p.values} errors={p.errors} />
        <HeartbeatFields values={p.values} errors={p.errors} channels={p.tenantChannels ?? []} />
        <div class="actions">
          <button type="submit">{a ? tr("common.save") : tr("agents.createAiEmployee")}</button>
          <a href="/admin/agents">{tr("common.cancel")}</a>
        </div>
      </form>
      <PreviewPanel action={`/admin/agents/${a ? a.id : "new"}/preview${q}`} providers={p.providers} />
      </div>
      {a ? (
        <>
          <h2>{tr("nav.channels")}</h2>
          {p.channels.length ? (
            <ul>
              {p.channels.map((c) => (
                <li>
                  {c.kind === "slack" || c.kind === "telegram" ? (
                    <a href={`/admin/channels/${c.id}${q}`} safe>{`${c.name} (${c.kind})`}</a>
                  ) : c.kind === "widget" ? (
                    <a href={`/admin/agents/${a.id}/widget${q}`} safe>{`${c.name} ${tr("agents.websiteWidgetMark")}`}</a>
                  ) : (
                    <span safe>{`${c.name} (${c.kind})`}</span>
                  )}
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">{tr("agents.notConnectedAnywhereYet")}</p>
          )}
          {p.heartbeat ? <HeartbeatRuns h={p.heartbeat} /> : ""}
          <p class="actions">
            <a href={`/admin/channels/new${q}&kind=telegram&agent=${a.id}`}>{tr("agents.connectTelegram")}</a>
            <a href={`/admin/channels/new${q}&kind=slack&agent=${a.id}`}>{tr("agents.connectSlack")}</a>
            <a href={`/admin/chat${q}&agent=${a.id}`}>{tr("agents.tryItInTheWeb")}</a>
            <a href={`/admin/agents/${a.id}/widget${q}`}>{tr("agents.websiteWidget")}</a>
            <a href={`/admin/agents/${a.id}/history${q}`}>{tr("agents.history")}</a>
          </p>
          <form method="post" action={`/admin/agents/${a.id}/delete${q}`}>
            <Csrf token={p.csrf} />
            <button type="submit" class="secondary">{tr("agents.deleteAiEmployee")}</button>
          </form>
        </>
      ) : ""}
    </section>
  );
}
