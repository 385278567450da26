ALTER TABLE "agents" ADD COLUMN "daily_budget_usd" numeric(12, 4) DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "monthly_budget_usd" numeric(12, 4) DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "context_tokens" integer DEFAULT 8000 NOT NULL;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "max_tool_iterations" integer DEFAULT 4 NOT NULL;