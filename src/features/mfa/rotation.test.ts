// Rotating the key that seals TOTP secrets: a new ENCRYPTION_KEYS version re-seals secrets lazily on
// use and in batches from the scheduled handler, and codes keep working throughout.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  type ErrorBody,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpBrowser,
  testEnv,
  uniqueEmail,
} from "../../../test/helpers/auth.ts";
import { TestClient } from "../../../test/helpers/client.ts";
import { codeAt, enrollTotp } from "../../../test/helpers/second-factors.ts";
import { type WorkerClient, workerWith } from "../../../test/helpers/worker.ts";
import { deriveServerKeys } from "../../crypto/server-keys.ts";
import { withDatabase } from "../../db/client.ts";
import worker from "../../index.ts";
import { resealStaleTotpSecrets } from "./rotation.ts";

const KEY_2 = "Mx8vX3Zc2b0o8mJ0s1qgkY2b8Rk0cQj1yq5l9n4oT2A";
const KEY_3 = "XivnCagoez55KcDXhd8BO1HuMNunpiuAgJclvf6oQUw";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

type SealedRow = { secret_version: number; secret_ciphertext: string };

async function sealedSecretOf(db: AuthTestContext, email: string): Promise<SealedRow | undefined> {
  const [row] = await db.sql<SealedRow>(
    "SELECT t.secret_version, t.secret_ciphertext FROM totp_credentials t JOIN users u ON u.id = t.user_id WHERE u.email = $1",
    [email],
  );
  return row;
}

/** Signs in through `on` with the password and a TOTP code; answers the second step's status and error. */
async function signInWithCode(on: WorkerClient, email: string, code: string) {
  const device = new TestClient(on);
  const first = (await (
    await device.request("/auth/login", { json: { email, password: STRONG_PASSWORD } })
  ).json()) as {
    challenge: string;
  };
  const second = await device.request("/auth/mfa/verify", { json: { challenge: first.challenge, totp: code } });
  return second.status === 200 ? [200] : [second.status, ((await second.json()) as ErrorBody).error.code];
}

async function enrolledUser(db: AuthTestContext) {
  const email = uniqueEmail("rotation");
  const { secret } = await enrollTotp(await signUpBrowser(db, email));
  return { email, secret };
}

describe("TOTP secret key rotation", () => {
  it("re-seals a secret under the newest key when it is next used, and its codes keep working", async () => {
    const { email, secret } = await enrolledUser(ctx);
    const before = await sealedSecretOf(ctx, email);
    expect(before?.secret_version).toBe(1);

    const rotated = workerWith({ DATABASE_URL: ctx.databaseUrl, ENCRYPTION_KEYS: `2:${KEY_2}` });
    expect(await signInWithCode(rotated, email, codeAt(secret, 0))).toEqual([200]);
    const after = await sealedSecretOf(ctx, email);
    expect(after?.secret_version).toBe(2);
    expect(after?.secret_ciphertext).not.toBe(before?.secret_ciphertext);

    // Sealed under version 2 now: a deployment without that key cannot read it; one with it can.
    expect(await signInWithCode(ctx.worker, email, codeAt(secret, 1))).toEqual([400, "invalid_code"]);
    expect(await signInWithCode(rotated, email, codeAt(secret, 1))).toEqual([200]);
  });

  it("leaves the secret as it was when the code is wrong", async () => {
    const { email, secret } = await enrolledUser(ctx);
    const before = await sealedSecretOf(ctx, email);
    const rotated = workerWith({ DATABASE_URL: ctx.databaseUrl, ENCRYPTION_KEYS: `2:${KEY_2}` });
    expect(await signInWithCode(rotated, email, codeAt(secret, 5))).toEqual([400, "invalid_code"]);
    expect(await sealedSecretOf(ctx, email)).toEqual(before);
  });

  it("re-seals unused secrets from the scheduled handler, and reports the ones no configured key opens", async () => {
    const users = [await enrolledUser(ctx), await enrolledUser(ctx)];
    const broken = await enrolledUser(ctx);
    // As if sealed under a version-2 key that was later replaced: no configured key opens it.
    await ctx.sql(
      "UPDATE totp_credentials SET secret_version = 2 WHERE user_id = (SELECT id FROM users WHERE email = $1)",
      [broken.email],
    );
    const rotated = workerWith({ DATABASE_URL: ctx.databaseUrl, ENCRYPTION_KEYS: `2:${KEY_2},3:${KEY_3}` });
    const executionContext = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: "*/30 * * * *" }), rotated.env, executionContext);
    await waitOnExecutionContext(executionContext);

    for (const user of users) expect((await sealedSecretOf(ctx, user.email))?.secret_version).toBe(3);
    expect((await sealedSecretOf(ctx, broken.email))?.secret_version).toBe(2);
    expect(
      await signInWithCode(rotated, users[0]?.email ?? "", codeAt(users[0]?.secret ?? new Uint8Array(), 0)),
    ).toEqual([200]);
  });

  it("rolls back: with ENCRYPTION_KEY_VERSION back at 1, a secret under the newer key still opens and moves back", async () => {
    const { email, secret } = await enrolledUser(ctx);
    const rotated = workerWith({ DATABASE_URL: ctx.databaseUrl, ENCRYPTION_KEYS: `2:${KEY_2}` });
    expect(await signInWithCode(rotated, email, codeAt(secret, 0))).toEqual([200]);
    expect((await sealedSecretOf(ctx, email))?.secret_version).toBe(2);

    const rolledBack = workerWith({
      DATABASE_URL: ctx.databaseUrl,
      ENCRYPTION_KEYS: `2:${KEY_2}`,
      ENCRYPTION_KEY_VERSION: "1",
    });
    expect(await signInWithCode(rolledBack, email, codeAt(secret, 1))).toEqual([200]);
    expect((await sealedSecretOf(ctx, email))?.secret_version).toBe(1);
  });

  it("works in bounded batches and keeps reporting secrets no configured key opens", async () => {
    const fresh = await setUpAuthTest();
    const users = [await enrolledUser(fresh), await enrolledUser(fresh), await enrolledUser(fresh)];
    await fresh.sql(
      "UPDATE totp_credentials SET secret_version = 9 WHERE user_id = (SELECT id FROM users WHERE email = $1)",
      [users[2]?.email],
    );
    const reports: Awaited<ReturnType<typeof resealStaleTotpSecrets>>[] = [];
    await withDatabase({ databaseUrl: fresh.databaseUrl, neonLocalRelay: testEnv.NEON_LOCAL_RELAY }, async (db) => {
      const serverKeys = await deriveServerKeys(testEnv.AUTH_SECRET, {
        keys: [{ version: 2, key: KEY_2 }],
        currentVersion: 2,
      });
      reports.push(await resealStaleTotpSecrets({ db, serverKeys }, { batchSize: 1, maxBatches: 2 }));
      reports.push(await resealStaleTotpSecrets({ db, serverKeys }, { batchSize: 1, maxBatches: 5 }));
      reports.push(await resealStaleTotpSecrets({ db, serverKeys }, { batchSize: 1, maxBatches: 5 }));
    });
    // Two rows a run at most, then the rest; the unreadable one is reported every time and left alone.
    expect((reports[0]?.resealed ?? 0) + (reports[0]?.unreadable ?? 0)).toBe(2);
    expect((reports[0]?.resealed ?? 0) + (reports[1]?.resealed ?? 0)).toBe(2);
    expect(reports[2]).toEqual({ resealed: 0, unreadable: 1 });
    const versions = await fresh.sql<{ secret_version: number }>(
      "SELECT secret_version FROM totp_credentials ORDER BY secret_version",
    );
    expect(versions.map((row) => row.secret_version)).toEqual([2, 2, 9]);
  });
});
