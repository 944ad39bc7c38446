-- A social step-up (intent=reauth) refreshes the session that started it: the flow remembers which.
ALTER TABLE "oauth_flows" ADD COLUMN "session_id" UUID;

-- An autoLink to an account with a second factor waits in a link intent until that factor is shown:
-- the MFA challenge names it, and completing the challenge links it.
ALTER TABLE "mfa_challenges" ADD COLUMN "pending_link_id" UUID;
