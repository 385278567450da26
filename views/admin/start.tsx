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
import { t } from "../../src/i18n/i18n.ts";

type State = "done" | "current" | "todo";

interface Step {
  title: string;
  done: boolean;
  body: JSX.Element;
}

function steps(f: FirstRun, q: string): Step[] {
  return [
    { title: t("start.stepTenant"), done: true, body: <span>{t("start.yourCompanySSpaceDone")}</span> },
    { title: t("start.stepAgent"), done: f.agents, body: <a href={`/admin/agents${q}#templates`}>{t("agents.hireFromTemplate")}</a> },
    {
      title: t("start.stepChannel"),
      done: f.channels || f.firstMessage,
      body: (
        <span class="actions">
          <a href={`/admin/channels/new${q}&kind=slack`}>{t("start.slack")}</a> <a href={`/admin/channels/new${q}&kind=telegram`}>{t("start.telegram")}</a>{" "}
          <a href={`/admin/channels/new${q}&kind=whatsapp`}>{t("channelsWhatsapp.whatsapp")}</a> <span>{t("error.or")}</span> <a href={`/admin/chat${q}`}>{t("start.tryTheWebChatNow")}</a>
        </span>
      ),
    },
    { title: t("start.stepWaiting"), done: f.firstMessage, body: <span>{t("start.sayHelloToYourAi")}{" "}<a href={`/admin/chat${q}`}>{t("dashboard.webChat")}</a>.</span> },
    { title: t("start.stepAnswer"), done: f.firstAnswer, body: <span>{t("start.readItIn")}{" "}<a href={`/admin/conversations${q}`}>{t("nav.conversations")}</a>.</span> },
  ];
}

export function StartSteps(props: { tenantId: string; first: FirstRun }): JSX.Element {
  const q = `?tenant=${props.tenantId}`;
  const list = steps(props.first, q);
  const current = list.findIndex((s) => !s.done);
  const state = (i: number): State => (list[i]!.done ? "done" : i === current ? "current" : "todo");
  const mark = { done: t("start.markDone"), current: t("start.markNow"), todo: t("start.markLater") };
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
          <h2>{t("start.nextSteps")}</h2>
          <ul>
            <li><a href={`/admin/knowledge${q}`}>{t("start.teachItYourDocuments")}</a>{" "}{t("start.knowledge")}</li>
            <li><a href={`/admin/agents${q}`}>{t("start.giveItSkillsAndTools")}</a></li>
            <li><a href={`/admin/users${q}`}>{t("start.inviteYourTeammates")}</a></li>
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
      <PageHead title={t("nav.start")} scope={props.scope} action="/admin/start" />
      {!props.scope.tenantId || !props.first ? (
        <>
          <ol class="steps">
            <li class="step current" data-step="1" data-state="current" aria-current="step">
              <strong>{t("start.createATenant")}</strong> <span class="muted">{t("start.now")}</span>
              <div><a href="/admin/tenants/new">{t("start.createYourCompanySTenant")}</a></div>
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
