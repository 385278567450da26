ALTER TABLE "agents" ALTER COLUMN "daily_budget_usd" SET DATA TYPE numeric(20, 9);--> statement-breakpoint
ALTER TABLE "agents" ALTER COLUMN "daily_budget_usd" SET DEFAULT '0';--> statement-breakpoint
ALTER TABLE "agents" ALTER COLUMN "monthly_budget_usd" SET DATA TYPE numeric(20, 9);--> statement-breakpoint
ALTER TABLE "agents" ALTER COLUMN "monthly_budget_usd" SET DEFAULT '0';--> statement-breakpoint
ALTER TABLE "llm_calls" ALTER COLUMN "cost_usd" SET DATA TYPE numeric(20, 9);--> statement-breakpoint
ALTER TABLE "llm_calls" ALTER COLUMN "cost_usd" SET DEFAULT '0';--> statement-breakpoint
ALTER TABLE "usage_daily" ALTER COLUMN "cost_usd" SET DATA TYPE numeric(20, 9);--> statement-breakpoint
ALTER TABLE "usage_daily" ALTER COLUMN "cost_usd" SET DEFAULT '0';