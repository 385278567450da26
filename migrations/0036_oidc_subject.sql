-- OpenID Connect sign-in: the IdP's (issuer, sub) an account is linked to, as "<issuer> <sub>".
ALTER TABLE "users" ADD COLUMN "oidc_subject" text;
--> statement-breakpoint
CREATE UNIQUE INDEX "users_oidc_subject" ON "users" USING btree ("oidc_subject");
