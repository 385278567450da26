-- Erasing one person (src/privacy/): the audit trail stays append-only for the application, except
-- through this definer function, which removes exactly the current tenant's entries that name the
-- person as actor, belong to their erased conversations, or were sent to chats only they used. The erasure itself is audited (counts only).
CREATE FUNCTION konstruct_erase_audit(p_actor text, p_conversations uuid[], p_chats text[]) RETURNS integer
  LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    WITH gone AS (
      DELETE FROM audit_log
      WHERE tenant_id = konstruct_current_tenant()
        AND ((p_actor <> '' AND actor = p_actor) OR conversation_id = ANY(p_conversations) OR data->>'chat' = ANY(p_chats))
      RETURNING 1)
    SELECT count(*)::integer FROM gone
  $$;
--> statement-breakpoint
-- FORCEd RLS binds a non-superuser owner too: let the owner (so this function) find and delete audit
-- rows (a DELETE with a WHERE needs the SELECT policy as well). The owner is the migrator, never the app.
CREATE POLICY owner_erase_read ON audit_log FOR SELECT TO CURRENT_USER USING (true);
--> statement-breakpoint
CREATE POLICY owner_erase ON audit_log FOR DELETE TO CURRENT_USER USING (true);
--> statement-breakpoint
REVOKE ALL ON FUNCTION konstruct_erase_audit(text, uuid[], text[]) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION konstruct_erase_audit(text, uuid[], text[]) TO konstruct_app;
