-- The console language a user chose (src/i18n): null follows the browser's Accept-Language, then
-- English. Validated in code against the catalogues; bounded here so a bad write cannot grow it.
ALTER TABLE "users" ADD COLUMN "locale" text;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_locale" CHECK ("locale" is null or char_length("locale") between 2 and 16);
