-- Tenant isolation. The application never touches data as the table owner: Database.withTenant()
-- runs `SET LOCAL ROLE konstruct_app` (+ app.tenant_id), Database.platform() runs
-- `SET LOCAL ROLE konstruct_platform`. Both roles are neither owners nor superusers nor BYPASSRLS,
-- so the FORCEd policies below bind them.
-- Roles are cluster-wide: create them once and tolerate another database creating them concurrently.
DO $$ BEGIN
  CREATE ROLE konstruct_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
--> statement-breakpoint
DO $$ BEGIN
  CREATE ROLE konstruct_platform NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
--> statement-breakpoint
-- A non-superuser owner may only SET ROLE to roles it is a member of. Granting needs CREATEROLE
-- (or an admin who ran the GRANT beforehand, which this then leaves alone).
DO $$ BEGIN
  IF NOT pg_has_role(current_user, 'konstruct_app', 'MEMBER') THEN
    EXECUTE format('GRANT konstruct_app TO %I', current_user);
  END IF;
  IF NOT pg_has_role(current_user, 'konstruct_platform', 'MEMBER') THEN
    EXECUTE format('GRANT konstruct_platform TO %I', current_user);
  END IF;
END $$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO konstruct_app, konstruct_platform;
--> statement-breakpoint
CREATE FUNCTION konstruct_current_tenant() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;
--> statement-breakpoint
-- Every tenant-owned table gets exactly this; later migrations call it for their new tables.
CREATE FUNCTION konstruct_isolate(tbl regclass) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
  EXECUTE format('CREATE POLICY tenant_isolation ON %s TO konstruct_app '
    'USING (tenant_id = konstruct_current_tenant()) WITH CHECK (tenant_id = konstruct_current_tenant())', tbl);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO konstruct_app', tbl);
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION konstruct_isolate(regclass) FROM PUBLIC;
--> statement-breakpoint
SELECT konstruct_isolate('agents');
--> statement-breakpoint
SELECT konstruct_isolate('channels');
--> statement-breakpoint
-- tenants: the platform role manages all rows; a tenant transaction sees only its own row.
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_self ON tenants FOR SELECT TO konstruct_app USING (id = konstruct_current_tenant());
--> statement-breakpoint
CREATE POLICY platform_all ON tenants TO konstruct_platform USING (true) WITH CHECK (true);
--> statement-breakpoint
GRANT SELECT ON tenants TO konstruct_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON tenants, llm_providers TO konstruct_platform;
