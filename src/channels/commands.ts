/**
 * The chat commands every channel recognises, and their one argument: `/cancel 3` or `/cancel all`
 * stop background tasks (bare `/cancel` stops the turn in progress); `/schedules pause|resume|delete 3`
 * changes a schedule; `/human` hands the chat to a person (src/handoff/). Adapters find a command in
 * their own syntax (Telegram's `/cmd@bot`, Slack's bare words) and hand the name and the rest here.
 */
export const COMMANDS = ["start", "help", "new", "status", "tasks", "cancel", "schedules", "human"] as const;
export type Command = (typeof COMMANDS)[number];

const ARGS: Partial<Record<Command, RegExp>> = { cancel: /^(#?\d{1,9}|all)$/i, schedules: /^(pause|resume|delete)\s+#?\d{1,9}$/i };

/**
 * `strict`: text after a command that takes no argument means it was not a command (Slack's bare
 * "status of my order?"); otherwise such text is ignored (Telegram's "/status please").
 */
export function recognise(name: string, rest: string, strict = false): { command: Command; args?: string } | undefined {
  const command = name.toLowerCase() as Command;
  if (!COMMANDS.includes(command)) return undefined;
  const args = rest.trim();
  if (!args) return { command };
  if (ARGS[command]?.test(args)) return { command, args: args.replace(/^#/, "").toLowerCase() };
  return strict || ARGS[command] ? undefined : { command };
}

/** A whole message that is one `/command [argument]` (web chat, terminal). */
export function parseSlashCommand(text: string): { command: Command; args?: string } | undefined {
  const m = /^\/([a-z]+)(?:\s+(\S.*))?$/is.exec(text.trim());
  return m ? recognise(m[1]!, m[2] ?? "", true) : undefined;
}
