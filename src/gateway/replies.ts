/** What the AI employee says when it is not the model talking. Plain Markdown; adapters convert. */
import { usd } from "../agent/budget.ts";

export const REPLIES = {
  help: (name: string) =>
    `I'm ${name}. Write to me as you would to a colleague.\n\n` +
    "Commands: /new starts a fresh conversation, /status shows my model, budget and tasks, /tasks lists your background tasks, /schedules lists your schedules (/schedules pause|resume|delete 3), " +
    "/cancel stops what I'm doing (/cancel 3 or /cancel all stops background tasks), /human asks for a person.",
  newConversation: "Started a fresh conversation. What can I do for you?",
  cancelled: "Cancelled.",
  nothingToCancel: "There is nothing running to cancel.",
  budgetStop: (reason: string) => `I can't take on more work right now: my ${reason}. An administrator can raise the budget.`,
  /** A voice note the agent's budget cannot pay to transcribe (or any, when it is spent). */
  notTranscribed: (name: string, reason: string) => `I can't listen to "${name}" right now: my ${reason}. An administrator can raise the budget.`,
  /** A rule handed the conversation over (the handoff, src/handoff/, may say more: the wait, in the user's language). */
  escalated: "I've asked a person from the team to take over this conversation; they will answer here.",
  failed: "Sorry — I couldn't reach my language model just now. Please try again in a moment.",
  status: (name: string, models: string[], spend: { today: number; month: number }, caps: { daily: number; monthly: number }) =>
    `${name} · models: ${models.join(" → ") || "none configured"}\n` +
    `Spent today ${usd(spend.today)}${caps.daily ? ` of ${usd(caps.daily)}` : ""}, ` +
    `this month ${usd(spend.month)}${caps.monthly ? ` of ${usd(caps.monthly)}` : ""}.`,
};
