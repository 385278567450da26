ALTER TABLE "agents" ADD COLUMN "scope" jsonb;
