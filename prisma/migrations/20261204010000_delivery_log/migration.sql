-- Issue 15: the delivery log (every mail and SMS, no bodies), applied webhook events, and the
-- undeliverable mark on users.

-- CreateEnum
CREATE TYPE "delivery_status" AS ENUM ('PENDING', 'SENT', 'FAILED', 'BOUNCED', 'COMPLAINED');

-- AlterTable
ALTER TABLE "users" ADD COLUMN "email_undeliverable_at" TIMESTAMPTZ(3),
ADD COLUMN "email_undeliverable_reason" TEXT;

-- CreateTable
CREATE TABLE "delivery_log" (
    "id" UUID NOT NULL,
    "user_id" UUID,
    "recipient_hash" TEXT NOT NULL,
    "channel" "outbox_channel" NOT NULL,
    "template" TEXT NOT NULL,
    "status" "delivery_status" NOT NULL DEFAULT 'PENDING',
    "provider_message_id" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error_reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),
    "reported_at" TIMESTAMPTZ(3),

    CONSTRAINT "delivery_log_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "delivery_webhook_events" (
    "event_id" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "delivery_webhook_events_pkey" PRIMARY KEY ("event_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "delivery_log_provider_message_id_key" ON "delivery_log"("provider_message_id");

-- CreateIndex
CREATE INDEX "delivery_log_user_id_created_at_idx" ON "delivery_log"("user_id", "created_at");

-- CreateIndex
CREATE INDEX "delivery_log_created_at_idx" ON "delivery_log"("created_at");

-- CreateIndex
CREATE INDEX "delivery_webhook_events_received_at_idx" ON "delivery_webhook_events"("received_at");

-- AddForeignKey
ALTER TABLE "delivery_log" ADD CONSTRAINT "delivery_log_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
