// Turning the authenticator app off on the page counts wrong codes like the API does (issue 10, H1):
// past the free failures the page answers 429 with Retry-After and the app stays on.
import { beforeAll, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest, signUpBrowser, uniqueEmail } from "../../../test/helpers/auth.ts";
import { readPage, submitForm } from "../../../test/helpers/html.ts";
import { codeAt } from "../../../test/helpers/second-factors.ts";
import { enrollOnPage, SECURITY } from "../../../test/helpers/security-page.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest({ LOGIN_FREE_FAILURES: "5", LOCKOUT_FAILURES: "10" });
});

it("answers 429 with Retry-After after too many wrong codes, even for a right one, and keeps the app on", async () => {
  const email = uniqueEmail();
  const client = await signUpBrowser(ctx, email);
  const { secret } = await enrollOnPage(client);
  const wrong = codeAt(secret, 5);
  for (let i = 0; i < 6; i++) {
    const page = await readPage(await submitForm(client, `${SECURITY}/totp/disable`, { code: wrong }));
    expect(page.status).toBe(400);
  }
  const response = await submitForm(client, `${SECURITY}/totp/disable`, { code: codeAt(secret) });
  expect(response.headers.get("retry-after")).toMatch(/^\d+$/);
  const page = await readPage(response);
  expect(page.status).toBe(429);
  expect(page.summary[0]).toMatch(/^Too many attempts\. Wait \d+ (seconds|minutes) and try again\.$/);
  const rows = await ctx.sql(
    "SELECT 1 FROM totp_credentials t JOIN users u ON u.id = t.user_id WHERE u.email = $1 AND t.confirmed_at IS NOT NULL",
    [email],
  );
  expect(rows).toHaveLength(1);
});
