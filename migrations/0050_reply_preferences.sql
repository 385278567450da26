-- Per end user: how the AI employees answer them (src/media/reply-mode.ts). `voice`: answers read
-- aloud wherever the channel has voice replies on, typed messages too; `text`: never. No row: the
-- channel's default (a voice note is answered with one). Keyed by the channel's sender id, like memories.
CREATE TABLE "reply_preferences" (
	"tenant_id" uuid NOT NULL,
	"user_key" text NOT NULL,
	"mode" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reply_preferences_tenant_id_user_key_pk" PRIMARY KEY("tenant_id","user_key"),
	CONSTRAINT "reply_preferences_mode" CHECK ("mode" IN ('voice', 'text')),
	CONSTRAINT "reply_preferences_user_key" CHECK (length("user_key") BETWEEN 1 AND 256)
);
--> statement-breakpoint
ALTER TABLE reply_preferences ADD CONSTRAINT reply_preferences_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE;
--> statement-breakpoint
SELECT konstruct_isolate('reply_preferences');
