/**
 * Tenant-owned: teams (src/teams/). A team is a coordinator agent and specialists, each with a role
 * description (what the coordinator's `delegate` tool lists and the pre-route embeds). An agent
 * coordinates at most one team; deleting an agent removes the team it coordinates or its membership.
 */
import { sql } from "drizzle-orm";
import { foreignKey, index, integer, pgTable, primaryKey, text, timestamp, unique, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { agents } from "./agents.ts";
import { tenants } from "./tenants.ts";

export const teams = pgTable(
  "teams",
  {
    tenantId: uuid("tenant_id").notNull(),
    id: uuid("id").notNull().default(sql`gen_random_uuid()`),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    coordinatorId: uuid("coordinator_id").notNull(),
    /** Delegations one coordinator turn may make. */
    maxFanout: integer("max_fanout").notNull().default(3),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    unique("teams_tenant_slug").on(t.tenantId, t.slug),
    uniqueIndex("teams_coordinator").on(t.tenantId, t.coordinatorId),
    foreignKey({ name: "teams_tenant_fk", columns: [t.tenantId], foreignColumns: [tenants.id] }).onDelete("cascade"),
    foreignKey({ name: "teams_coordinator_fk", columns: [t.tenantId, t.coordinatorId], foreignColumns: [agents.tenantId, agents.id] }).onDelete("cascade"),
  ],
);

export const teamMembers = pgTable(
  "team_members",
  {
    tenantId: uuid("tenant_id").notNull(),
    teamId: uuid("team_id").notNull(),
    agentId: uuid("agent_id").notNull(),
    /** The specialist's role as the coordinator and the router see it. */
    description: text("description").notNull(),
    position: integer("position").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.teamId, t.agentId] }),
    index("team_members_agent").on(t.tenantId, t.agentId),
    foreignKey({ name: "team_members_team_fk", columns: [t.tenantId, t.teamId], foreignColumns: [teams.tenantId, teams.id] }).onDelete("cascade"),
    foreignKey({ name: "team_members_agent_fk", columns: [t.tenantId, t.agentId], foreignColumns: [agents.tenantId, agents.id] }).onDelete("cascade"),
  ],
);

export type Team = typeof teams.$inferSelect;
export type TeamMember = typeof teamMembers.$inferSelect;
