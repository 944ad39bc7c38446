-- Notifications (issue 15): a typed in-app inbox per user, removed with the user, and the per-type
-- notification channels in the user's preferences.
CREATE TYPE "notification_type" AS ENUM ('NEW_DEVICE_SIGN_IN', 'PASSWORD_CHANGED', 'EMAIL_CHANGED', 'SECOND_FACTOR_ADDED', 'SECOND_FACTOR_REMOVED', 'PASSKEY_ADDED', 'IDENTITY_LINKED', 'INVITATION_RECEIVED', 'ACCOUNT_DELETION_SCHEDULED');

CREATE TABLE "notifications" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "type" "notification_type" NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "read_at" TIMESTAMPTZ(3),

    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);

-- The inbox, newest first, paged by (created_at, id).
CREATE INDEX "notifications_user_id_created_at_id_idx" ON "notifications"("user_id", "created_at" DESC, "id");

-- Unread only: the count in /auth/session and the ?unread=true filter.
CREATE INDEX "notifications_unread_idx" ON "notifications"("user_id", "created_at" DESC) WHERE "read_at" IS NULL;

ALTER TABLE "notifications" ADD CONSTRAINT "notifications_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "user_preferences" ADD COLUMN "notification_channels" JSONB NOT NULL DEFAULT '{}';
