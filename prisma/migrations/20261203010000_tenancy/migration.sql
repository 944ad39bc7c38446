-- Tenancy (issue 14): who created a tenant, so MAX_TENANTS_PER_USER limits creations per user.
ALTER TABLE "tenants" ADD COLUMN "created_by_id" UUID;

CREATE INDEX "tenants_created_by_id_idx" ON "tenants"("created_by_id");

ALTER TABLE "tenants" ADD CONSTRAINT "tenants_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
