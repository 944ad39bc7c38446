// The HTTP mail provider against a real local server: success and failure in the delivery log (no
// bodies, no raw address), no development outbox row, nothing half-done.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  type ErrorBody,
  setUpAuthTest,
  signUpBrowser,
  testEnv,
  uniqueEmail,
  userIdOf,
} from "../../test/helpers/auth.ts";
import { TestClient } from "../../test/helpers/client.ts";
import { lastDelivery } from "../../test/helpers/delivery.ts";
import { workerWith } from "../../test/helpers/worker.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const originUrl = () => (JSON.parse(testEnv.GATEWAY_ROUTES as string) as Array<{ origin: string }>)[0]?.origin ?? "";

async function requestWith(mailUrl: string) {
  const email = uniqueEmail("mail");
  const signedUp = await signUpBrowser(ctx, email);
  const client = new TestClient(
    workerWith({ DATABASE_URL: ctx.databaseUrl, MAIL_PROVIDER: "http", MAIL_HTTP_URL: mailUrl }),
  );
  for (const [name, value] of signedUp.cookies) client.cookies.set(name, value);
  return { email, response: await client.request("/auth/email/verify/request", { method: "POST" }) };
}

describe("HTTP mail provider", () => {
  it("posts the message and logs it as sent, without the body, the address or an outbox row", async () => {
    const { email, response } = await requestWith(`${originUrl()}/mail`);
    expect(response.status).toBe(202);
    const userId = await userIdOf(ctx, email);
    const row = await lastDelivery(ctx, userId, "email_verification");
    expect(row).toMatchObject({ channel: "EMAIL", status: "SENT", attempts: 1, error_reason: null });
    // No provider id in the echo server's answer: the log's own id, which the provider was sent.
    expect(row.provider_message_id).toBe(row.id);
    expect(row.recipient_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(email);
    expect(await ctx.count("outbox_messages", "recipient = $1 AND template = 'email_verification'", [email])).toBe(
      1, // signup's, through the suite's outbox provider; the http send kept none
    );
  });

  it("retries a failing provider a bounded number of times, logs the failure, and leaves no live code", async () => {
    const { email, response } = await requestWith(`${originUrl()}/status/500`);
    expect([response.status, ((await response.json()) as ErrorBody).error.code]).toEqual([503, "delivery_failed"]);
    const row = await lastDelivery(ctx, await userIdOf(ctx, email), "email_verification");
    expect(row).toMatchObject({ status: "FAILED", error_reason: "HTTP 500", attempts: 3 });
    const live = await ctx.sql(
      "SELECT 1 FROM verification_codes v JOIN users u ON u.id = v.user_id WHERE u.email = $1 AND v.consumed_at IS NULL",
      [email],
    );
    expect(live).toEqual([]);
  });

  it("hides the development outbox outside the outbox provider", async () => {
    const response = await workerWith({
      DATABASE_URL: ctx.databaseUrl,
      MAIL_PROVIDER: "http",
      MAIL_HTTP_URL: "https://mail.example.com",
    }).fetch("/dev/outbox");
    expect(response.status).toBe(404);
  });
});
