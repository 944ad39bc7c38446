// Drives the hosted pages as a newcomer does: sign-up, the code read on /dev/mail, verify, sign-in.
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { codeIn, openNewestMailInDevMail } from "./mail.ts";

export type Account = { email: string; password: string };

/** Fills and sends the sign-up form on the page `page` is on (it must be /auth/sign-up). */
export async function submitSignUp(page: Page, account: Account): Promise<void> {
  await page.getByLabel("Email address").fill(account.email);
  await page.getByLabel("Password", { exact: true }).fill(account.password);
  await Promise.all([
    page.waitForURL(/\/auth\/verify-email/),
    page.getByRole("button", { name: "Create account" }).click(),
  ]);
}

/** Reads the verification code on /dev/mail in `page`, then enters it on the verify page. */
export async function verifyWithCodeFromDevMail(page: Page, email: string): Promise<void> {
  const verifyUrl = page.url();
  const mail = await openNewestMailInDevMail(page, email, { pattern: /verification code/ });
  await page.goto(verifyUrl);
  const emailField = page.getByLabel("Email address");
  if ((await emailField.inputValue()) === "") await emailField.fill(email);
  await page.getByLabel("Verification code").fill(codeIn(mail.text));
  await page.getByRole("button", { name: "Verify", exact: true }).click();
  await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Your address is verified");
}

/** Sends the sign-in form on the page `page` is on (it must be /auth/sign-in), filling the email if empty. */
export async function submitSignIn(page: Page, account: Account): Promise<void> {
  const emailField = page.getByLabel("Email address");
  if ((await emailField.inputValue()) !== account.email) await emailField.fill(account.email);
  await page.getByLabel("Password", { exact: true }).fill(account.password);
  await Promise.all([
    page.waitForURL((url) => url.pathname !== "/auth/sign-in"),
    page.getByRole("button", { name: "Sign in", exact: true }).click(),
  ]);
}

/** A verified, signed-in account made through the pages, for tests whose behaviour starts after that. */
export async function signUpAndSignInThroughPages(page: Page, account: Account): Promise<void> {
  await page.goto("/auth/sign-up");
  await submitSignUp(page, account);
  await verifyWithCodeFromDevMail(page, account.email);
  await page.goto("/auth/sign-in");
  await submitSignIn(page, account);
}

/** Signs out with the sign-out page's button and waits for the signed-out page. */
export async function signOutThroughPage(page: Page): Promise<void> {
  await page.goto("/auth/sign-out");
  await Promise.all([page.waitForURL("**/auth/signed-out**"), page.getByRole("button", { name: "Sign out" }).click()]);
}

/** Navigates `page` to `path` and returns the Location of every 302 on the way (the target may not exist yet). */
export async function redirectsOnTheWayTo(page: Page, path: string): Promise<string[]> {
  const locations: string[] = [];
  const record = (response: { status: () => number; headers: () => Record<string, string> }) => {
    if (response.status() === 302) locations.push(response.headers().location ?? "");
  };
  page.on("response", record);
  await page.goto(path);
  page.off("response", record);
  return locations;
}
