-- External identities (issue 13): social providers and federated issuers, keyed by (provider, issuer,
-- subject); provider tokens sealed; social flows and pending links kept server side.
ALTER TABLE "mfa_challenges" ADD COLUMN "first_factor" TEXT NOT NULL DEFAULT 'pwd';

CREATE TABLE "external_identities" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "provider_id" TEXT NOT NULL,
    "provider_type" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "email" TEXT,
    "email_verified" BOOLEAN NOT NULL DEFAULT false,
    "profile" JSONB NOT NULL DEFAULT '{}',
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "legacy_id" TEXT,
    "reconsent_at" TIMESTAMPTZ(3),
    "linked_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),

    CONSTRAINT "external_identities_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "provider_tokens" (
    "identity_id" UUID NOT NULL,
    "access_token_ciphertext" TEXT NOT NULL,
    "refresh_token_ciphertext" TEXT,
    "key_version" INTEGER NOT NULL,
    "access_token_expires_at" TIMESTAMPTZ(3),
    "scope" TEXT,
    "refresh_locked_until" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "provider_tokens_pkey" PRIMARY KEY ("identity_id")
);

CREATE TABLE "oauth_flows" (
    "id" UUID NOT NULL,
    "state_hash" TEXT NOT NULL,
    "provider_id" TEXT NOT NULL,
    "redirect_uri" TEXT NOT NULL,
    "browser_hash" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "user_id" UUID,
    "return_to" TEXT,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "consumed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "oauth_flows_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "identity_link_intents" (
    "id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "provider_id" TEXT NOT NULL,
    "provider_type" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "email" TEXT,
    "email_verified" BOOLEAN NOT NULL,
    "profile" JSONB NOT NULL DEFAULT '{}',
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "legacy_id" TEXT,
    "tokens_ciphertext" TEXT,
    "key_version" INTEGER,
    "client_hash" TEXT,
    "return_to" TEXT,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "consumed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "identity_link_intents_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "external_identities_provider_id_issuer_subject_key" ON "external_identities"("provider_id", "issuer", "subject");
CREATE INDEX "external_identities_user_id_idx" ON "external_identities"("user_id");
CREATE INDEX "external_identities_provider_id_legacy_id_idx" ON "external_identities"("provider_id", "legacy_id");
CREATE UNIQUE INDEX "oauth_flows_state_hash_key" ON "oauth_flows"("state_hash");
CREATE INDEX "oauth_flows_expires_at_idx" ON "oauth_flows"("expires_at");
CREATE UNIQUE INDEX "identity_link_intents_token_hash_key" ON "identity_link_intents"("token_hash");
CREATE INDEX "identity_link_intents_expires_at_idx" ON "identity_link_intents"("expires_at");

ALTER TABLE "external_identities" ADD CONSTRAINT "external_identities_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "provider_tokens" ADD CONSTRAINT "provider_tokens_identity_id_fkey" FOREIGN KEY ("identity_id") REFERENCES "external_identities"("id") ON DELETE CASCADE ON UPDATE CASCADE;
