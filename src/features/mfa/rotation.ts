// Secret-box key rotation for TOTP secrets: a secret sealed under another key version than the one
// that encrypts now is sealed again, lazily when it is next used and in batches from the scheduled
// handler. "Another" rather than "older": after a rollback to an earlier encrypting version, secrets
// already under the newer key move back while that key is still configured.
import { decryptSecret, encryptSecret } from "../../crypto/secret-box.ts";
import type { SessionDeps } from "../session/service.ts";

export const RESEAL_BATCH_SIZE = 500;

type SealedCredential = { userId: string; secretCiphertext: string; secretVersion: number };
type RotationDeps = Pick<SessionDeps, "db" | "serverKeys">;

/** True when the credential is sealed under another key than the one that encrypts now. */
export const needsReseal = (deps: RotationDeps, credential: SealedCredential) =>
  credential.secretVersion !== deps.serverKeys.secretBox.currentVersion;

/**
 * Seals `secret` again under the current key. Conditional on the row still holding the old
 * ciphertext, so a concurrent re-enrollment or re-seal is never overwritten.
 */
export async function resealTotpSecret(
  deps: RotationDeps,
  credential: SealedCredential,
  secret: Uint8Array,
): Promise<boolean> {
  const sealed = await encryptSecret(deps.serverKeys.secretBox, secret);
  const updated = await deps.db.totpCredential.updateMany({
    where: {
      userId: credential.userId,
      secretVersion: credential.secretVersion,
      secretCiphertext: credential.secretCiphertext,
    },
    data: { secretCiphertext: sealed.ciphertext, secretVersion: sealed.version },
  });
  return updated.count === 1;
}

export type ResealReport = { resealed: number; unreadable: number };

/**
 * Re-seals TOTP secrets under any other key version than the current one, in batches walked by user
 * id. A secret that no configured key opens is counted as unreadable and left as it is.
 */
export async function resealStaleTotpSecrets(
  deps: RotationDeps,
  options: { batchSize?: number; maxBatches?: number } = {},
): Promise<ResealReport> {
  const batchSize = options.batchSize ?? RESEAL_BATCH_SIZE;
  const maxBatches = options.maxBatches ?? 20;
  const report: ResealReport = { resealed: 0, unreadable: 0 };
  let after: string | undefined;
  for (let batch = 0; batch < maxBatches; batch++) {
    const rows = await deps.db.totpCredential.findMany({
      where: {
        secretVersion: { not: deps.serverKeys.secretBox.currentVersion },
        ...(after ? { userId: { gt: after } } : {}),
      },
      orderBy: { userId: "asc" },
      take: batchSize,
      select: { userId: true, secretCiphertext: true, secretVersion: true },
    });
    for (const row of rows) {
      const secret = await decryptSecret(deps.serverKeys.secretBox, {
        ciphertext: row.secretCiphertext,
        version: row.secretVersion,
      });
      if (!secret) report.unreadable += 1;
      else if (await resealTotpSecret(deps, row, secret)) report.resealed += 1;
    }
    after = rows.at(-1)?.userId;
    if (rows.length < batchSize) break;
  }
  return report;
}
