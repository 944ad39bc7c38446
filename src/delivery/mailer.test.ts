// The HTTP mail provider against a real local server: success, failure recorded, nothing half-done.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  type ErrorBody,
  setUpAuthTest,
  signUpBrowser,
  testEnv,
  uniqueEmail,
} from "../../test/helpers/auth.ts";
import { TestClient } from "../../test/helpers/client.ts";
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
  it("posts the message and records it as sent, without keeping the body", async () => {
    const { email, response } = await requestWith(`${originUrl()}/mail`);
    expect(response.status).toBe(202);
    const [row] = await ctx.sql<{ status: string; text: string | null; attempts: number }>(
      "SELECT status, text, attempts FROM outbox_messages WHERE recipient = $1 AND template = 'email_verification' ORDER BY created_at DESC LIMIT 1",
      [email],
    );
    expect(row).toEqual({ status: "SENT", text: null, attempts: 1 });
  });

  it("retries a failing provider a bounded number of times, records the failure, and leaves no live code", async () => {
    const { email, response } = await requestWith(`${originUrl()}/status/500`);
    expect([response.status, ((await response.json()) as ErrorBody).error.code]).toEqual([503, "delivery_failed"]);
    const [row] = await ctx.sql<{ status: string; last_error: string; attempts: number }>(
      "SELECT status, last_error, attempts FROM outbox_messages WHERE recipient = $1 AND template = 'email_verification' ORDER BY created_at DESC LIMIT 1",
      [email],
    );
    expect(row).toEqual({ status: "FAILED", last_error: "HTTP 500", attempts: 3 });
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
