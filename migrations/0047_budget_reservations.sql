-- Cluster-wide budgets (src/agent/reservations.ts): before a model call of an agent with a cap, the
-- most the call can cost is reserved here; the reservation goes in the transaction that records the
-- call's usage (settled), or lapses at `expires_at` when its process died. Headroom = cap - recorded
-- usage - live reservations, so concurrent turns on several replicas cannot both spend the same room.
CREATE TABLE "budget_reservations" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"agent_id" uuid NOT NULL,
	"usd" numeric(20, 9) NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "budget_reservations_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "budget_reservations_usd" CHECK ("usd" >= 0)
);
--> statement-breakpoint
-- No foreign key on the agent: a preview of a never-saved agent reserves too (admin/agents/preview.ts),
-- and a reservation of a deleted agent simply lapses.
ALTER TABLE budget_reservations ADD CONSTRAINT budget_reservations_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE;
--> statement-breakpoint
CREATE INDEX "budget_reservations_agent" ON "budget_reservations" ("tenant_id", "agent_id", "expires_at");
--> statement-breakpoint
SELECT konstruct_isolate('budget_reservations');
