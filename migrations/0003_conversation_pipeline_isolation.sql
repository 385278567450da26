-- Tenant isolation and integrity for the conversation pipeline tables (see 0001 for the model).
SELECT konstruct_isolate('conversations');
--> statement-breakpoint
SELECT konstruct_isolate('messages');
--> statement-breakpoint
SELECT konstruct_isolate('inbound_events');
--> statement-breakpoint
SELECT konstruct_isolate('outbound_messages');
--> statement-breakpoint
SELECT konstruct_isolate('channel_cursors');
--> statement-breakpoint
SELECT konstruct_isolate('llm_calls');
--> statement-breakpoint
SELECT konstruct_isolate('audit_log');
--> statement-breakpoint
-- The audit trail is append-only for the application.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM konstruct_app;
--> statement-breakpoint
ALTER TABLE conversations ADD CONSTRAINT conversations_agent_fk FOREIGN KEY (tenant_id, agent_id)
  REFERENCES agents (tenant_id, id) ON DELETE CASCADE;
--> statement-breakpoint
ALTER TABLE conversations ADD CONSTRAINT conversations_channel_fk FOREIGN KEY (tenant_id, channel_id)
  REFERENCES channels (tenant_id, id) ON DELETE CASCADE;
--> statement-breakpoint
ALTER TABLE messages ADD CONSTRAINT messages_conversation_fk FOREIGN KEY (tenant_id, conversation_id)
  REFERENCES conversations (tenant_id, id) ON DELETE CASCADE;
--> statement-breakpoint
ALTER TABLE inbound_events ADD CONSTRAINT inbound_events_channel_fk FOREIGN KEY (tenant_id, channel_id)
  REFERENCES channels (tenant_id, id) ON DELETE CASCADE;
--> statement-breakpoint
ALTER TABLE outbound_messages ADD CONSTRAINT outbound_messages_event_fk FOREIGN KEY (tenant_id, inbound_event_id)
  REFERENCES inbound_events (tenant_id, id) ON DELETE CASCADE;
--> statement-breakpoint
ALTER TABLE channel_cursors ADD CONSTRAINT channel_cursors_channel_fk FOREIGN KEY (tenant_id, channel_id)
  REFERENCES channels (tenant_id, id) ON DELETE CASCADE;
--> statement-breakpoint
-- Routing an inbound request to its tenant happens before any tenant is known. This definer
-- function answers exactly one question — which tenant/agent owns this channel connection — and
-- exposes nothing else of the channels table to the platform role.
CREATE FUNCTION konstruct_channel_route(channel uuid)
  RETURNS TABLE (tenant_id uuid, agent_id uuid, kind text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT c.tenant_id, c.agent_id, c.kind FROM channels c WHERE c.id = channel $$;
--> statement-breakpoint
-- FORCEd RLS binds the owner too (unless it is a superuser): let the owner, and so this definer
-- function, read channels. The owner is the migrator's identity, never the application's.
CREATE POLICY owner_routing ON channels FOR SELECT TO CURRENT_USER USING (true);
--> statement-breakpoint
REVOKE ALL ON FUNCTION konstruct_channel_route(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION konstruct_channel_route(uuid) TO konstruct_platform;
--> statement-breakpoint
-- Listing tenants for crash recovery is a platform read; finding their unfinished work is per tenant.
GRANT SELECT ON tenants TO konstruct_platform;
