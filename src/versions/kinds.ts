/**
 * Every versioned kind by its name. The list is open: a new kind (skills…) is a VersionedKind in its
 * own file added here; config_versions takes any short lowercase name without a migration.
 */
import type { SecretBox } from "../secrets/box.ts";
import { agentKind } from "./agent.ts";
import { channelKind } from "./channel.ts";
import { scheduleKind } from "./schedule.ts";
import type { VersionedKind } from "./store.ts";
import { teamKind } from "./team.ts";

export function versionedKinds(box: SecretBox): Map<string, VersionedKind> {
  return new Map([agentKind, teamKind, channelKind(box), scheduleKind].map((k) => [k.kind, k]));
}
