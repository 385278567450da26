/**
 * Flash messages after a redirect: the redirect names one of these keys (`?flash=saved`), never
 * free text, so a crafted link cannot make the console say anything else.
 */
export const FLASH: Record<string, string> = {
  saved: "Saved.",
  created: "Created.",
  deleted: "Deleted.",
  restarted: "Saved; the connection was restarted.",
  approved: "Approved; the conversation goes on.",
  denied: "Denied; the AI employee is told it was not done.",
  already_decided: "Already decided or expired; nothing changed.",
  password_changed: "Password changed; your other sessions are signed out.",
  task_cancelled: "Cancelled; the task stops within a second.",
  task_not_active: "The task had already ended; nothing changed.",
  schedule_paused: "Schedule paused.",
  schedule_resumed: "Schedule resumed; runs missed while paused follow its missed-run policy.",
  schedule_deleted: "Schedule deleted.",
  trigger_paused: "Trigger paused; deliveries are refused (and recorded) until it is resumed.",
  trigger_resumed: "Trigger resumed.",
  trigger_deleted: "Trigger deleted; its URL now refuses every delivery.",
  key_revoked: "API key revoked; requests with it are refused from now on.",
  skill_uploaded: "Skill uploaded; the tenant's AI employees can use it from their next message.",
  skill_saved: "Skill saved as a new version; live from the next message.",
  skill_agents: "Saved which AI employees use this skill.",
  skill_rolled_back: "Rolled back: the chosen version is live again, as a new version.",
  mcp_saved: "MCP server saved; the tenant's AI employees get its tools from their next message.",
  mcp_deleted: "MCP server removed; its tools are gone from the next message.",
  mcp_read_only: "Read-only flags saved.",
  kb_reindexed: "Re-indexing: the text is chunked again and every chunk re-embedded in the background.",
  kb_scope_saved: "Knowledge scope saved; kb_search of this AI employee reads only what it allows.",
  memory_deleted: "Memory deleted; the AI employee no longer recalls it.",
  handoff_taken: "You own this conversation now: the AI stays silent until you resolve it or return it.",
  handoff_already_taken: "Someone else took it first; who owns it is shown below.",
  handoff_replied: "Reply sent to the user.",
  handoff_reply_failed: "The channel refused the reply; it is marked failed in the transcript.",
  handoff_not_owner: "Only the person who took this conversation can do that.",
  handoff_noted: "Note added (not sent to the user).",
  handoff_resolved: "Resolved; the AI answers this conversation again.",
  handoff_returned: "Returned to the AI.",
  handoff_closed_already: "It was already closed; nothing changed.",
  rolled_back: "Rolled back: the chosen version's configuration is a new version now.",
  rollback_slug_taken: "Not rolled back: another AI employee has that version's slug now.",
  not_started: "Saved, but the connection could not start — use “Test connection” to see why.",
};

export const flashMessage = (key: string | undefined): string | undefined => (key ? FLASH[key] : undefined);

export const withFlash = (path: string, key: keyof typeof FLASH): string => `${path}${path.includes("?") ? "&" : "?"}flash=${key}`;
