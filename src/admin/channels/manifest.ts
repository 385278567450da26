/**
 * The Slack app manifest an admin pastes at api.slack.com → "Create New App → From a manifest":
 * the bot scopes and events the adapter needs, and either the Events API request URL of this
 * connection or Socket Mode.
 */
import { stringify } from "yaml";

export const SLACK_BOT_SCOPES = ["app_mentions:read", "chat:write", "im:history", "channels:history", "groups:history", "reactions:read"];
export const SLACK_BOT_EVENTS = ["app_mention", "message.im", "message.channels", "message.groups", "reaction_added", "reaction_removed"];

export function slackManifest(opts: { name: string; mode: "events" | "socket"; requestUrl: string }): string {
  const name = opts.name.slice(0, 35) || "Konstruct";
  const manifest = {
    display_information: { name, description: "AI employee powered by Konstruct" },
    features: {
      app_home: { messages_tab_enabled: true, messages_tab_read_only_enabled: false },
      bot_user: { display_name: name, always_online: true },
    },
    oauth_config: { scopes: { bot: SLACK_BOT_SCOPES } },
    settings: {
      event_subscriptions: { ...(opts.mode === "events" ? { request_url: opts.requestUrl } : {}), bot_events: SLACK_BOT_EVENTS },
      org_deploy_enabled: false,
      socket_mode_enabled: opts.mode === "socket",
      token_rotation_enabled: false,
    },
  };
  return stringify(manifest);
}

/** `<public_url>/hooks/<kind>/<id>`; without a public URL, the path the admin has to prefix. */
export function hookUrl(publicUrl: string, kind: string, channelId: string): string {
  return `${publicUrl.replace(/\/+$/, "")}/hooks/${kind}/${channelId}`;
}
