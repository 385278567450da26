CREATE TABLE "tenant_llm_providers" (
	"tenant_id" uuid NOT NULL,
	"id" text NOT NULL,
	"kind" text NOT NULL,
	"base_url" text NOT NULL,
	"api_key" "bytea" NOT NULL,
	"timeout_ms" integer DEFAULT 60000 NOT NULL,
	"max_concurrency" integer DEFAULT 4 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tenant_llm_providers_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "escalation_rules" text DEFAULT '' NOT NULL;
--> statement-breakpoint
ALTER TABLE tenant_llm_providers ADD CONSTRAINT tenant_llm_providers_tenant_fk FOREIGN KEY (tenant_id)
  REFERENCES tenants (id) ON DELETE CASCADE;
--> statement-breakpoint
SELECT konstruct_isolate('tenant_llm_providers');
