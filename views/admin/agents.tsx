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

export interface TemplateSummary {
  id: string;
  title: string;
  description: string;
  source: "bundled" | "data";
}

export function AgentList(props: { scope: Scope; agents: Page<Agent>; flash?: string; templates?: TemplateSummary[]; templateProblems?: string[] }): JSX.Element {
  return (
    <section>
      <PageHead title="AI employees" scope={props.scope} action="/admin/agents">
        {props.scope.tenantId ? <a href="/admin/agents/new">New AI employee</a> : ""}
      </PageHead>
      <Flash message={props.flash} />
      {!props.scope.tenantId ? (
        <NoTenant />
      ) : props.agents.rows.length === 0 && props.agents.page === 1 ? (
        <Empty>
          <p>No AI employee yet. Give one a name, a role and a model, then connect it to a channel.</p>
          <p><a href="/admin/agents/new">Design the first AI employee</a></p>
        </Empty>
      ) : (
        <div class="table-wrap">
          <table>
            <thead><tr><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Models</th><th scope="col">Daily budget</th><th scope="col">Heartbeat</th></tr></thead>
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
      <h2 id="templates">Hire from template</h2>
      <div class="table-wrap">
        <table>
          <thead><tr><th scope="col">Role</th><th scope="col">What it does</th><th scope="col"></th></tr></thead>
          <tbody>
            {p.templates.map((t) => (
              <tr>
                <td safe>{t.title}</td>
                <td safe>{t.description}</td>
                <td><a href={`/admin/agents/new?tenant=${p.tenantId}&template=${encodeURIComponent(t.id)}`} aria-label={`Hire ${t.title}`}>Hire</a>{t.source === "data" ? " (custom)" : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {p.problems.length ? (
        <div class="flash error" role="alert">
          <p>Templates not offered (fix the file in the data dir's templates/ folder):</p>
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
      <h1 safe>{a ? a.name : "New AI employee"}</h1>
      <Flash message={p.flash} />
      {p.template ? <p class="muted" safe>{`From the template “${p.template.title}”. Suggested model: ${p.template.modelHint}. Review, pick the model chain, then create.`}</p> : ""}
      {a?.source === "config" ? <p class="muted">Declared in konstruct.config.yaml: the file wins at the next start.</p> : ""}
      {a && !a.scope && p.channels.some((c) => c.kind === "whatsapp") ? <UnscopedWarning /> : ""}
      <div class="designer">
      <form method="post" action={`${a ? `/admin/agents/${a.id}` : "/admin/agents"}${q}`} class="stack wide" id="agent-form">
        <Csrf token={p.csrf} />
        {/* The version this form was loaded from: a save from an older one is refused (src/versions/). */}
        {a ? <input type="hidden" name="version" value={p.values.version ?? "0"} /> : ""}
        {p.errors?.version ? <p class="flash error" role="alert" id="f-version-error" safe>{p.errors.version}</p> : ""}
        <Text name="name" label="Name" values={p.values} errors={p.errors} required hint="What colleagues call it, e.g. Ada" />
        <Text name="slug" label="Slug" values={p.values} errors={p.errors} required hint="Short id (a-z, 0-9, -), e.g. ada" />
        <Text name="role" label="Role" values={p.values} errors={p.errors} hint="e.g. support engineer" />
        <Area name="persona" label="Persona" values={p.values} errors={p.errors} rows={3} hint="Tone and manner, e.g. friendly, concise, never guesses" />
        <Area name="instructions" label="Instructions (system prompt)" values={p.values} errors={p.errors} rows={8} />
        <Area
          name="models"
          label="Model chain"
          values={p.values}
          errors={p.errors}
          rows={3}
          hint={`One provider_id/model per line, primary first; the next is tried when one fails. Add " vision" after a model that can see images (e.g. openai/gpt-4o vision): photos go only to those.${p.providers.length ? ` Providers: ${p.providers.join(", ")}.` : " Add a provider under Providers first."}`}
        />
        <Text name="daily_budget_usd" label="Daily budget (USD)" type="number" values={p.values} errors={p.errors} hint="0 = no cap" />
        <Text name="monthly_budget_usd" label="Monthly budget (USD)" type="number" values={p.values} errors={p.errors} hint="0 = no cap" />
        <Text name="context_tokens" label="Context window (tokens)" type="number" values={p.values} errors={p.errors} />
        <Text name="max_tool_iterations" label="Max tool round trips per message" type="number" values={p.values} errors={p.errors} />
        <Area name="skills" label="Enabled skills" values={p.values} errors={p.errors} rows={2} hint="One skill name per line; empty = every skill of the tenant" />
        <Area name="escalation_rules" label="Escalation rules" values={p.values} errors={p.errors} rows={3} hint="Guidance for the model: when to hand over to a human, e.g. refunds over $100, legal questions" />
        <Area
          name="escalation_conditions"
          label="Escalation conditions"
          values={p.values}
          errors={p.errors}
          rows={3}
          hint={
            "Checked by the appliance before the model answers, one per line: name | condition | reason shown to the human. " +
            "E.g. angry | sentiment < -0.7 | The customer is upset — or billing | billing_dispute AND attempts > 2 | Billing dispute unresolved. " +
            'Signals: sentiment, attempts, repeats, failures, budget_stop, approvals_denied, the topics billing_dispute, refunds, legal, contains("…"), matches("pattern").'
          }
        />
        <ScopeFields values={p.values} errors={p.errors} />
        <HeartbeatFields values={p.values} errors={p.errors} channels={p.tenantChannels ?? []} />
        <div class="actions">
          <button type="submit">{a ? "Save" : "Create AI employee"}</button>
          <a href="/admin/agents">Cancel</a>
        </div>
      </form>
      <PreviewPanel action={`/admin/agents/${a ? a.id : "new"}/preview${q}`} providers={p.providers} />
      </div>
      {a ? (
        <>
          <h2>Channels</h2>
          {p.channels.length ? (
            <ul>
              {p.channels.map((c) => (
                <li>
                  {c.kind === "slack" || c.kind === "telegram" ? (
                    <a href={`/admin/channels/${c.id}${q}`} safe>{`${c.name} (${c.kind})`}</a>
                  ) : c.kind === "widget" ? (
                    <a href={`/admin/agents/${a.id}/widget${q}`} safe>{`${c.name} (website widget)`}</a>
                  ) : (
                    <span safe>{`${c.name} (${c.kind})`}</span>
                  )}
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">Not connected anywhere yet.</p>
          )}
          {p.heartbeat ? <HeartbeatRuns h={p.heartbeat} /> : ""}
          <p class="actions">
            <a href={`/admin/channels/new${q}&kind=telegram&agent=${a.id}`}>Connect Telegram</a>
            <a href={`/admin/channels/new${q}&kind=slack&agent=${a.id}`}>Connect Slack</a>
            <a href={`/admin/chat${q}&agent=${a.id}`}>Try it in the web chat</a>
            <a href={`/admin/agents/${a.id}/widget${q}`}>Website widget</a>
            <a href={`/admin/agents/${a.id}/history${q}`}>History</a>
          </p>
          <form method="post" action={`/admin/agents/${a.id}/delete${q}`}>
            <Csrf token={p.csrf} />
            <button type="submit" class="secondary">Delete AI employee</button>
          </form>
        </>
      ) : ""}
    </section>
  );
}
