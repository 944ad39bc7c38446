-- A social step-up (intent=reauth) refreshes the session that started it: the flow remembers which.
ALTER TABLE "oauth_flows" ADD COLUMN "session_id" UUID;
