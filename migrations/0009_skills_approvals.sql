CREATE TABLE "approvals" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"agent_id" uuid NOT NULL,
	"conversation_id" uuid NOT NULL,
	"channel_id" uuid NOT NULL,
	"chat_key" text NOT NULL,
	"reply_to" text,
	"event_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"requested_by" text NOT NULL,
	"skill" text,
	"tool" text NOT NULL,
	"arguments" jsonb NOT NULL,
	"summary" text NOT NULL,
	"state" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"result" text,
	"resume_seq" integer,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "approvals_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "tenant_secrets" (
	"tenant_id" uuid NOT NULL,
	"name" text NOT NULL,
	"value" "bytea" NOT NULL,
	"source" text DEFAULT 'ui' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tenant_secrets_tenant_id_name_pk" PRIMARY KEY("tenant_id","name")
);
--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "enabled_skills" text[];--> statement-breakpoint
CREATE INDEX "approvals_pending" ON "approvals" USING btree ("tenant_id","expires_at") WHERE status = 'pending';--> statement-breakpoint
SELECT konstruct_isolate('approvals');
--> statement-breakpoint
SELECT konstruct_isolate('tenant_secrets');
--> statement-breakpoint
ALTER TABLE approvals ADD CONSTRAINT approvals_conversation_fk FOREIGN KEY (tenant_id, conversation_id)
  REFERENCES conversations (tenant_id, id) ON DELETE CASCADE;
--> statement-breakpoint
ALTER TABLE tenant_secrets ADD CONSTRAINT tenant_secrets_tenant_fk FOREIGN KEY (tenant_id)
  REFERENCES tenants (id) ON DELETE CASCADE;
