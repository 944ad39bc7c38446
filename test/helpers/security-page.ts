// The account security page in flow tests: enrolling an authenticator app through its forms (reading
// the key from the page as a person would), and reading the recovery codes it shows once.
import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { expect } from "vitest";
import { TOTP_PERIOD_SECONDS } from "../../src/features/mfa/totp.ts";
import type { TestClient } from "./client.ts";
import { type ParsedPage, readPage, submitForm } from "./html.ts";
import { codeAt } from "./second-factors.ts";

export const SECURITY = "/auth/account/security";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The setup key as the page shows it (grouped), or undefined. */
export const keyOn = (page: ParsedPage) => /<code id="totp-key">([A-Z2-7 ]+)<\/code>/.exec(page.html)?.[1];

/** The recovery codes the page shows, or [] when it shows none. */
export const codesOn = (page: ParsedPage) =>
  /<pre id="codes">([^<]*)<\/pre>/.exec(page.html)?.[1]?.split("\n").filter(Boolean) ?? [];

/** Waits out a step's last seconds, so the previous step's code stays valid for the next request. */
export async function avoidStepEdge(): Promise<void> {
  const msIntoStep = Date.now() % (TOTP_PERIOD_SECONDS * 1000);
  if (msIntoStep > (TOTP_PERIOD_SECONDS - 3) * 1000) await sleep(TOTP_PERIOD_SECONDS * 1000 - msIntoStep + 50);
}

/** Starts enrollment on the page and returns the enrollment page with the secret read from it. */
export async function startEnrollment(client: TestClient): Promise<{ page: ParsedPage; secret: Uint8Array }> {
  const start = await submitForm(client, `${SECURITY}/totp/enroll`, {});
  expect([start.status, start.headers.get("location")]).toEqual([303, `${SECURITY}/totp`]);
  const page = await readPage(await client.request(`${SECURITY}/totp`));
  expect(page.status).toBe(200);
  const key = keyOn(page);
  expect(key).toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/);
  return { page, secret: decodeBase32IgnorePadding((key ?? "").replace(/ /g, "")) };
}

/** Enrolls and confirms on the page (previous step's code, leaving "now" usable); the codes page. */
export async function enrollOnPage(
  client: TestClient,
): Promise<{ secret: Uint8Array; codes: string[]; page: ParsedPage }> {
  const { secret } = await startEnrollment(client);
  await avoidStepEdge();
  const page = await readPage(await submitForm(client, `${SECURITY}/totp/confirm`, { code: codeAt(secret, -1) }));
  expect(page.status).toBe(200);
  const codes = codesOn(page);
  expect(codes).toHaveLength(10);
  return { secret, codes, page };
}
