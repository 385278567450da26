/** @jsxImportSource @kitajs/html */
/**
 * The first 15 minutes (/admin/start): five steps, each done, current (the first not done) or todo,
 * and next steps once the first answer went out. The steps poll themselves every 3 s (htmx) until
 * the first answer, so "waiting for your first message" turns green without a reload. A plain
 * ordered list: it reads the same at 360 px.
 */
import type { FirstRun } from "../../src/admin/queries/first-run.ts";
import { NoTenant, PageHead } from "./parts.tsx";
import type { Scope } from "./scope.ts";

type State = "done" | "current" | "todo";

interface Step {
  title: string;
  done: boolean;
  body: JSX.Element;
}

function steps(f: FirstRun, q: string): Step[] {
  return [
    { title: "Create a tenant", done: true, body: <span>Your company's space — done.</span> },
    { title: "Hire an AI employee", done: f.agents, body: <a href={`/admin/agents${q}#templates`}>Hire from template</a> },
    {
      title: "Connect a channel",
      done: f.channels || f.firstMessage,
      body: (
        <span class="actions">
          <a href={`/admin/channels/new${q}&kind=slack`}>Slack</a> <a href={`/admin/channels/new${q}&kind=telegram`}>Telegram</a>{" "}
          <a href={`/admin/channels/new${q}&kind=whatsapp`}>WhatsApp</a> <span>or</span> <a href={`/admin/chat${q}`}>try the web chat now</a>
        </span>
      ),
    },
    { title: "Waiting for your first message", done: f.firstMessage, body: <span>Say hello to your AI employee on the channel, or in the <a href={`/admin/chat${q}`}>web chat</a>.</span> },
    { title: "The first answer", done: f.firstAnswer, body: <span>Read it in <a href={`/admin/conversations${q}`}>Conversations</a>.</span> },
  ];
}

export function StartSteps(props: { tenantId: string; first: FirstRun }): JSX.Element {
  const q = `?tenant=${props.tenantId}`;
  const list = steps(props.first, q);
  const current = list.findIndex((s) => !s.done);
  const state = (i: number): State => (list[i]!.done ? "done" : i === current ? "current" : "todo");
  const mark = { done: "✓ done", current: "→ now", todo: "· later" };
  return (
    <div id="start-steps" hx-get={`/admin/start/steps${q}`} hx-trigger={props.first.firstAnswer ? "none" : "every 3s"} hx-swap="outerHTML" aria-live="polite">
      <ol class="steps">
        {list.map((s, i) => (
          <li class={`step ${state(i)}`} data-step={String(i + 1)} data-state={state(i)} aria-current={state(i) === "current" ? "step" : undefined}>
            <strong safe>{s.title}</strong> <span class="muted">{mark[state(i)]}</span>
            <div>{s.body}</div>
          </li>
        ))}
      </ol>
      {props.first.firstAnswer ? (
        <div id="next-steps">
          <h2>Next steps</h2>
          <ul>
            <li><a href={`/admin/knowledge${q}`}>Teach it your documents</a> (knowledge)</li>
            <li><a href={`/admin/agents${q}`}>Give it skills and tools</a></li>
            <li><a href={`/admin/users${q}`}>Invite your teammates</a></li>
          </ul>
        </div>
      ) : (
        ""
      )}
    </div>
  );
}

export function StartView(props: { scope: Scope; first: FirstRun | null }): JSX.Element {
  return (
    <section>
      <PageHead title="Getting started" scope={props.scope} action="/admin/start" />
      {!props.scope.tenantId || !props.first ? (
        <>
          <ol class="steps">
            <li class="step current" data-step="1" data-state="current" aria-current="step">
              <strong>Create a tenant</strong> <span class="muted">→ now</span>
              <div><a href="/admin/tenants/new">Create your company's tenant</a></div>
            </li>
          </ol>
          <NoTenant />
        </>
      ) : (
        <StartSteps tenantId={props.scope.tenantId} first={props.first} />
      )}
    </section>
  );
}
