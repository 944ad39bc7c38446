// An authenticator app for the hosted pages: enrollment from the key shown in text under the QR code.
import type { Page } from "playwright-core";
import { msUntilNextStep, totpCode } from "./totp.ts";

/**
 * Turns on two-step sign-in on the security page of the signed-in `page` with a code computed from
 * the key in text (waiting at most 3 s so the code does not expire on its way); returns the recovery codes
 * and the key (base32, for codes later).
 */
export async function enrollAuthenticatorApp(page: Page): Promise<{ recoveryCodes: string[]; secret: string }> {
  await page.goto("/auth/account/security");
  await page.getByRole("button", { name: "Set up an authenticator app" }).click();
  const secret = ((await page.locator("#totp-key").textContent()) ?? "").replace(/\s+/g, "");
  if (msUntilNextStep() < 3_000) await page.waitForTimeout(msUntilNextStep() + 100);
  await page.getByLabel("6-digit code from your app").fill(totpCode(secret));
  await page.getByRole("button", { name: "Turn on" }).click();
  await page.getByRole("heading", { name: "Save your recovery codes" }).waitFor();
  return { recoveryCodes: ((await page.locator("#codes").textContent()) ?? "").split("\n").filter(Boolean), secret };
}
