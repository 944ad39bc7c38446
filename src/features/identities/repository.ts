// Narrow database operations on external identities: found by (provider, issuer, subject), never by email.

import type { Database } from "../../db/client.ts";
import type { Prisma } from "../../db/generated/client.ts";
import type { ExternalProfile } from "./external-profile.ts";

/** What a sign-in with an external identity needs about its user. */
export type IdentityOwner = {
  id: string;
  email: string;
  status: string;
  emailVerifiedAt: Date | null;
  credentialEpoch: number;
};

const OWNER_FIELDS = { id: true, email: true, status: true, emailVerifiedAt: true, credentialEpoch: true } as const;

/** The key an identity is found by. */
export const identityKeyOf = (profile: Pick<ExternalProfile, "providerId" | "issuer" | "subject">) => ({
  providerId: profile.providerId,
  issuer: profile.issuer,
  subject: profile.subject,
});

/** The row's provider-reported fields, refreshed on every sign-in (the email's verification is re-checked each time). */
export function identityFieldsOf(profile: ExternalProfile, email: string | null) {
  return {
    providerType: profile.providerType,
    email,
    emailVerified: profile.emailVerified,
    profile: profile.profile as Prisma.InputJsonObject,
    metadata: profile.metadata as Prisma.InputJsonObject,
    ...(profile.legacyId ? { legacyId: profile.legacyId } : {}),
  };
}

/** The identity with this key and its user, or null. */
export async function findIdentityWithOwner(
  db: Database,
  profile: Pick<ExternalProfile, "providerId" | "issuer" | "subject">,
): Promise<{ identityId: string; user: IdentityOwner } | null> {
  const row = await db.externalIdentity.findUnique({
    where: { providerId_issuer_subject: identityKeyOf(profile) },
    select: { id: true, user: { select: OWNER_FIELDS } },
  });
  return row ? { identityId: row.id, user: row.user } : null;
}

/** Records a sign-in with the identity: what the provider says now, and when. */
export async function touchIdentity(
  db: Database,
  identityId: string,
  input: { profile: ExternalProfile; email: string | null; now: Date },
): Promise<void> {
  await db.externalIdentity.update({
    where: { id: identityId },
    data: { ...identityFieldsOf(input.profile, input.email), lastUsedAt: input.now },
  });
}

/** The user with this normalized email, or null. */
export function findUserByEmail(db: Database, email: string): Promise<IdentityOwner | null> {
  return db.user.findUnique({ where: { email }, select: OWNER_FIELDS });
}

/**
 * Creates the user and their identity together (just-in-time provisioning); null when the email or
 * the identity was taken in the meantime (a concurrent first sign-in): the caller looks again.
 */
export async function insertUserWithIdentity(
  db: Database,
  input: { profile: ExternalProfile; email: string; name: string | null; now: Date },
): Promise<{ identityId: string; user: IdentityOwner } | null> {
  try {
    const user = await db.user.create({
      data: {
        email: input.email,
        name: input.name,
        emailVerifiedAt: input.profile.emailVerified ? input.now : null,
        identities: {
          create: {
            ...identityKeyOf(input.profile),
            ...identityFieldsOf(input.profile, input.email),
            linkedAt: input.now,
            lastUsedAt: input.now,
          },
        },
      },
      select: { ...OWNER_FIELDS, identities: { select: { id: true } } },
    });
    const { identities, ...owner } = user;
    return { identityId: identities[0]?.id ?? "", user: owner };
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") return null;
    throw error;
  }
}

/** Links the identity to an existing user; null when the identity already belongs to someone. */
export async function insertIdentity(
  db: Database,
  input: { userId: string; profile: ExternalProfile; email: string | null; now: Date },
): Promise<{ identityId: string } | null> {
  try {
    const row = await db.externalIdentity.create({
      data: {
        userId: input.userId,
        ...identityKeyOf(input.profile),
        ...identityFieldsOf(input.profile, input.email),
        linkedAt: input.now,
        lastUsedAt: input.now,
      },
      select: { id: true },
    });
    return { identityId: row.id };
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") return null;
    throw error;
  }
}

/** The user's identities, newest link first, without tokens. */
export function listIdentitiesOfUser(db: Database, userId: string) {
  return db.externalIdentity.findMany({
    where: { userId },
    orderBy: { linkedAt: "desc" },
    select: {
      id: true,
      providerId: true,
      providerType: true,
      issuer: true,
      email: true,
      emailVerified: true,
      legacyId: true,
      linkedAt: true,
      lastUsedAt: true,
      reconsentAt: true,
      tokens: { select: { identityId: true } },
    },
  });
}

/**
 * How many ways the user has to sign in: a password, passkeys and external identities. Removing the
 * last one would lock the owner out.
 */
export async function countSignInMethods(db: Database, userId: string): Promise<number> {
  const [passwords, passkeys, identities] = await Promise.all([
    db.account.count({ where: { userId, provider: "password", passwordHash: { not: null } } }),
    db.passkey.count({ where: { userId } }),
    db.externalIdentity.count({ where: { userId } }),
  ]);
  return passwords + passkeys + identities;
}
