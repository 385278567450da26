import { defineConfig } from "drizzle-kit";

// `bun run db:generate` writes SQL to migrations/; db/migrations-embed.ts compiles them into the binary.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema/index.ts",
  out: "./migrations",
});
