// The delivery log for real sends: signup verification, reset, an SMS code, a mail to an address no
// user has; in production (a real provider) no body, code or address is stored anywhere.
import { decodeBase64urlIgnorePadding, encodeHexLowerCase } from "@oslojs/encoding";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  setUpAuthTest,
  signUpApi,
  signUpBrowser,
  testEnv,
  uniqueEmail,
  userIdOf,
} from "../../../test/helpers/auth.ts";
import { type DeliveryRow, deliveriesOf, lastDelivery } from "../../../test/helpers/delivery.ts";
import { PRODUCTION_BINDINGS, workerWith } from "../../../test/helpers/worker.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

async function hmacHex(key: Uint8Array, text: string): Promise<Uint8Array> {
  const imported = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", imported, new TextEncoder().encode(text)));
}

/** The recipient hash as documented: HMAC-SHA-256 under HMAC(AUTH_SECRET, "portcullis/v1/delivery-recipient"). */
async function expectedHash(channel: "EMAIL" | "SMS", recipient: string): Promise<string> {
  const key = await hmacHex(decodeBase64urlIgnorePadding(testEnv.AUTH_SECRET), "portcullis/v1/delivery-recipient");
  return encodeHexLowerCase(await hmacHex(key, `${channel}:${recipient}`));
}

const logRowsFor = (hash: string) =>
  ctx.sql<DeliveryRow>("SELECT * FROM delivery_log WHERE recipient_hash = $1 ORDER BY created_at", [hash]);

const originUrl = () => (JSON.parse(testEnv.GATEWAY_ROUTES as string) as Array<{ origin: string }>)[0]?.origin ?? "";

describe("delivery log rows for real sends", () => {
  it("logs the signup verification mail as SENT for the user, keyed by an HMAC of the address", async () => {
    const { email } = await signUpApi(ctx);
    const userId = await userIdOf(ctx, email);
    const rows = await deliveriesOf(ctx, userId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      user_id: userId,
      channel: "EMAIL",
      template: "email_verification",
      status: "SENT",
      attempts: 1,
      error_reason: null,
      recipient_hash: await expectedHash("EMAIL", email),
    });
    expect(rows[0]?.provider_message_id).toBe(rows[0]?.id);
  });

  it("logs a password reset mail", async () => {
    const { email } = await signUpApi(ctx);
    const response = await ctx.client().request("/auth/password/forgot", { json: { email }, origin: null });
    expect(response.status).toBe(202);
    expect(await lastDelivery(ctx, await userIdOf(ctx, email), "password_reset")).toMatchObject({
      channel: "EMAIL",
      status: "SENT",
      attempts: 1,
    });
  });

  it("logs an SMS code to a number no user has yet with its hash only, never the number", async () => {
    const client = await signUpBrowser(ctx);
    const phone = `+1415555${String(Date.now()).slice(-4)}`;
    expect((await client.request("/auth/phone/verify/request", { json: { phone } })).status).toBe(202);
    const rows = await logRowsFor(await expectedHash("SMS", phone));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ user_id: null, channel: "SMS", template: "phone_verification", status: "SENT" });
    expect(JSON.stringify(rows[0])).not.toContain(phone.slice(1));
  });

  it("logs a code sent to an address no user has (an email change) with its hash only", async () => {
    const client = await signUpBrowser(ctx);
    const target = uniqueEmail("target");
    expect((await client.request("/auth/email/change/request", { json: { email: target } })).status).toBe(202);
    const rows = await logRowsFor(await expectedHash("EMAIL", target));
    expect(rows.map((row) => [row.user_id, row.template, row.status])).toEqual([[null, "email_change_code", "SENT"]]);
  });
});

describe("in production", () => {
  it("stores no body, code or address: the log has no content columns and the outbox stays empty", async () => {
    const { email } = await signUpApi(ctx);
    const userId = await userIdOf(ctx, email);
    const production = workerWith({
      ...PRODUCTION_BINDINGS,
      DATABASE_URL: ctx.databaseUrl,
      MAIL_HTTP_URL: `${originUrl()}/mail`,
    });
    const response = await production.fetch("/auth/password/forgot", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email }),
    });
    expect(response.status).toBe(202);
    const row = await lastDelivery(ctx, userId, "password_reset");
    expect(row).toMatchObject({ status: "SENT", attempts: 1 });
    expect(JSON.stringify(row)).not.toContain(email);
    const columns = await ctx.sql<{ column_name: string }>(
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'delivery_log' ORDER BY column_name",
    );
    expect(columns.map((column) => column.column_name)).toEqual([
      "attempts",
      "channel",
      "created_at",
      "error_reason",
      "id",
      "provider_message_id",
      "recipient_hash",
      "reported_at",
      "sent_at",
      "status",
      "template",
      "user_id",
    ]);
    expect(await ctx.count("outbox_messages", "recipient = $1 AND template = 'password_reset'", [email])).toBe(0);
  });
});
