-- Credential epoch (issue 10, M5): bumped with every password change, reset and disable; sessions and
-- MFA challenges record the value they began with and are refused once it moved on.
ALTER TABLE "users" ADD COLUMN "credential_epoch" INTEGER NOT NULL DEFAULT 0;

ALTER TABLE "sessions" ADD COLUMN "credential_epoch" INTEGER NOT NULL DEFAULT 0;

ALTER TABLE "mfa_challenges" ADD COLUMN "credential_epoch" INTEGER NOT NULL DEFAULT 0;
