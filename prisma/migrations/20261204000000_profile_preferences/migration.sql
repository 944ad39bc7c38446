-- Profile and preferences (issue 15): a unique optional username on users, and one preferences row per user.
ALTER TABLE "users" ADD COLUMN "username" VARCHAR(32);

CREATE UNIQUE INDEX "users_username_key" ON "users"("username");

CREATE TYPE "theme" AS ENUM ('LIGHT', 'DARK', 'SYSTEM');

CREATE TABLE "user_preferences" (
    "user_id" UUID NOT NULL,
    "theme" "theme" NOT NULL DEFAULT 'SYSTEM',
    "locale" VARCHAR(35),
    "time_zone" VARCHAR(64),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "user_preferences_pkey" PRIMARY KEY ("user_id")
);

ALTER TABLE "user_preferences" ADD CONSTRAINT "user_preferences_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
