-- Issue 14 review: a deletion an admin made is not undone by the user's password reset.
ALTER TABLE "users" ADD COLUMN "deleted_by_admin" BOOLEAN NOT NULL DEFAULT false;
