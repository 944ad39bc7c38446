-- Issue 14 review: a deletion an admin made is not undone by the user's password reset.
ALTER TABLE "users" ADD COLUMN "deleted_by_admin" BOOLEAN NOT NULL DEFAULT false;

-- Deletions admins made before this column existed: found in the audit trail.
UPDATE "users" u SET "deleted_by_admin" = true
WHERE u."status" = 'DELETED' AND u."scrubbed_at" IS NULL AND u."deleted_at" IS NOT NULL
  AND EXISTS (
    SELECT 1 FROM "audit_events" a
    WHERE a."user_id" = u."id" AND a."action" = 'admin.user_deleted' AND a."created_at" >= u."deleted_at" - interval '1 minute'
  );
