-- AlterEnum
ALTER TYPE "code_purpose" ADD VALUE 'EMAIL_CHANGE';
ALTER TYPE "code_purpose" ADD VALUE 'PHONE_VERIFICATION';

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "phone_number" TEXT,
ADD COLUMN     "phone_verified_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE UNIQUE INDEX "users_phone_number_key" ON "users"("phone_number");
