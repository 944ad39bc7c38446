// A signed-in user adding or removing an external identity (the account page, after step-up); every
// change is audited and mailed to the account's address.
import type { DeliverySettings } from "../../delivery/mailer.ts";
import { sendEmail } from "../../delivery/mailer.ts";
import { identityChangeNoticeMessage } from "../../delivery/templates.ts";
import { afterResponse } from "../../http/after-response.ts";
import { normalizeEmail } from "../account/email.ts";
import { recordAuditEvent } from "../audit/service.ts";
import { notifyFor } from "../notifications/notify.ts";
import type { ClientInfo, SessionDeps } from "../session/service.ts";
import type { ExternalProfile, ProviderTokens } from "./external-profile.ts";
import { storeProviderTokens } from "./provider-tokens.ts";
import { countSignInMethods, findIdentityWithOwner, insertIdentity, touchIdentity } from "./repository.ts";

export type LinkResult =
  | { kind: "linked"; identityId: string }
  | { kind: "already_linked" }
  | { kind: "identity_in_use" }
  | { kind: "session_ended" };

/** Mails the owner about a link or an unlink, after the response. */
export function deferIdentityNotice(
  deps: Pick<SessionDeps, "db" | "now"> & Pick<SessionDeps, "defer">,
  mail: DeliverySettings,
  input: { email: string; change: "linked" | "unlinked"; provider: string },
): Promise<void> {
  return afterResponse(deps, () =>
    sendEmail(deps.db, mail, input.email, identityChangeNoticeMessage({ ...input, at: deps.now })).then(
      () => undefined,
    ),
  );
}

/** Links the identity to `userId` (who started the flow signed in, after step-up). */
export async function linkIdentityToUser(
  deps: SessionDeps,
  input: {
    userId: string;
    /** The session that started the flow: it must still be live, under the same credentials. */
    sessionId: string | null;
    profile: ExternalProfile;
    tokens: ProviderTokens | null;
    client: ClientInfo;
  },
): Promise<LinkResult> {
  const email = input.profile.email ? normalizeEmail(input.profile.email) : null;
  const session = input.sessionId
    ? await deps.db.session.findFirst({
        where: { id: input.sessionId, userId: input.userId, revokedAt: null, expiresAt: { gt: deps.now } },
        select: { credentialEpoch: true, user: { select: { status: true, credentialEpoch: true } } },
      })
    : null;
  // Ended (sign-out, revoke, reset) or begun under older credentials since the flow started: a
  // stolen session must not leave behind a way in that outlives it.
  if (session?.user.status !== "ACTIVE" || session.credentialEpoch !== session.user.credentialEpoch)
    return { kind: "session_ended" };
  const existing = await findIdentityWithOwner(deps.db, input.profile);
  if (existing) {
    if (existing.user.id !== input.userId) return { kind: "identity_in_use" };
    await touchIdentity(deps.db, existing.identityId, { profile: input.profile, email, now: deps.now });
    if (input.tokens) await storeProviderTokens(deps, existing.identityId, input.tokens);
    return { kind: "already_linked" };
  }
  const linked = await insertIdentity(deps.db, { userId: input.userId, profile: input.profile, email, now: deps.now });
  if (!linked) return { kind: "identity_in_use" };
  if (input.tokens) await storeProviderTokens(deps, linked.identityId, input.tokens);
  await afterResponse(deps, async () => {
    await recordAuditEvent(deps.db, {
      action: "identity.linked",
      success: true,
      userId: input.userId,
      ...input.client,
      metadata: { provider: input.profile.providerId, identityId: linked.identityId, proof: "session" },
    });
    await notifyFor(deps, "identity.linked", { userId: input.userId, data: { provider: input.profile.providerId } });
  });
  return { kind: "linked", identityId: linked.identityId };
}

export type UnlinkResult = { kind: "unlinked"; providerId: string } | { kind: "not_found" } | { kind: "last_method" };

/** Removes one of the user's identities (its stored tokens go with it) unless it is their last way in. */
export async function unlinkIdentity(
  deps: SessionDeps,
  input: { userId: string; identityId: string; client: ClientInfo },
): Promise<UnlinkResult> {
  const identity = await deps.db.externalIdentity.findFirst({
    where: { id: input.identityId, userId: input.userId },
    select: { id: true, providerId: true },
  });
  if (!identity) return { kind: "not_found" };
  if ((await countSignInMethods(deps.db, input.userId)) <= 1) return { kind: "last_method" };
  // Conditional on there still being another way in, so two parallel unlinks cannot remove both.
  const removed = await deps.db.$executeRaw`
    DELETE FROM external_identities e
    WHERE e.id = ${identity.id}::uuid AND e.user_id = ${input.userId}::uuid
      AND ((SELECT count(*) FROM external_identities o WHERE o.user_id = e.user_id AND o.id <> e.id)
         + (SELECT count(*) FROM passkeys p WHERE p.user_id = e.user_id)
         + (SELECT count(*) FROM accounts a WHERE a.user_id = e.user_id AND a.provider = 'password' AND a.password_hash IS NOT NULL)) > 0`;
  if (removed !== 1) return { kind: "last_method" };
  await afterResponse(deps, () =>
    recordAuditEvent(deps.db, {
      action: "identity.unlinked",
      success: true,
      userId: input.userId,
      ...input.client,
      metadata: { provider: identity.providerId, identityId: identity.id },
    }),
  );
  return { kind: "unlinked", providerId: identity.providerId };
}
