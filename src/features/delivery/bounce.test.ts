// A bounce's effect: the address is marked undeliverable (audited, shown on the account page), later
// mail to it is refused and logged, and verifying it again or changing it lifts the mark.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
  userIdOf,
} from "../../../test/helpers/auth.ts";
import { lastDelivery, postWebhook, WEBHOOK_SECRET } from "../../../test/helpers/delivery.ts";
import { readPage, submitForm } from "../../../test/helpers/html.ts";
import { codeIn, outboxFor } from "../../../test/helpers/outbox.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest({ DELIVERY_WEBHOOK_SECRET: WEBHOOK_SECRET });
});

/** A signed-in user whose signup mail the provider then reported with `event`. */
async function reportedUser(event: { type: string; permanent?: boolean; reason?: string } = { type: "bounce" }) {
  const email = uniqueEmail("bounced");
  const client = await signUpBrowser(ctx, email);
  const userId = await userIdOf(ctx, email);
  const sent = await lastDelivery(ctx, userId, "email_verification");
  const response = await postWebhook(ctx, { id: crypto.randomUUID(), message_id: sent.provider_message_id, ...event });
  expect(response.status).toBe(200);
  return { client, email, userId };
}

const markOf = async (userId: string) =>
  (
    await ctx.sql<{ marked: boolean; reason: string | null }>(
      "SELECT email_undeliverable_at IS NOT NULL AS marked, email_undeliverable_reason AS reason FROM users WHERE id = $1",
      [userId],
    )
  )[0];

const auditOf = (userId: string, action: string) =>
  ctx.sql<{ metadata: Record<string, unknown> }>(
    "SELECT metadata FROM audit_events WHERE user_id = $1 AND action = $2",
    [userId, action],
  );

const forgot = (email: string) => ctx.client().request("/auth/password/forgot", { json: { email }, origin: null });

const resetMails = (email: string) =>
  ctx.count("outbox_messages", "recipient = $1 AND template = 'password_reset'", [email]);

describe("a hard bounce", () => {
  it("marks the user's address undeliverable, audited with the reason and the template", async () => {
    const { userId } = await reportedUser({ type: "bounce", reason: "550 5.1.1 user unknown" });
    expect(await markOf(userId)).toEqual({ marked: true, reason: "bounce" });
    const [audit] = await auditOf(userId, "email.undeliverable");
    expect(audit?.metadata).toMatchObject({ reason: "bounce", template: "email_verification" });
  });

  it("stops later mail: a reset mail is not sent, logged FAILED undeliverable, and the answer is unchanged", async () => {
    const { email, userId } = await reportedUser();
    const response = await forgot(email);
    expect(response.status).toBe(202);
    expect(await resetMails(email)).toBe(0);
    expect(await lastDelivery(ctx, userId, "password_reset")).toMatchObject({
      status: "FAILED",
      error_reason: "undeliverable",
      attempts: 0,
    });
    const live = await ctx.count(
      "verification_codes",
      "user_id = $1 AND purpose = 'PASSWORD_RESET' AND consumed_at IS NULL",
      [userId],
    );
    expect(live).toBe(0);
  });

  it("is shown on the account page with an offer to verify the address again", async () => {
    const { client, email } = await reportedUser();
    const page = await readPage(await client.request("/auth/account"));
    expect(page.status).toBe(200);
    expect(page.text).toContain("Mail to this address is not arriving");
    expect(page.text).toContain("bounced");
    expect(page.forms.map((form) => form.attributes.action)).toContain("/auth/verify-email/resend");
    expect(page.inputs.find((input) => input.attributes.name === "email")?.attributes.value).toBe(email);
    expect(page.links.map((link) => link.attributes.href)).toContain("/auth/account/email");
  });
});

describe("other reports", () => {
  it("a complaint marks the address as well", async () => {
    const { userId } = await reportedUser({ type: "complaint" });
    expect(await markOf(userId)).toEqual({ marked: true, reason: "complaint" });
    expect((await lastDelivery(ctx, userId, "email_verification")).status).toBe("COMPLAINED");
  });

  it("a soft bounce is logged but marks nothing, and mail keeps going", async () => {
    const { email, userId } = await reportedUser({ type: "bounce", permanent: false, reason: "mailbox full" });
    expect(await markOf(userId)).toEqual({ marked: false, reason: null });
    expect(await lastDelivery(ctx, userId, "email_verification")).toMatchObject({
      status: "BOUNCED",
      error_reason: "mailbox full",
    });
    await forgot(email);
    expect(await resetMails(email)).toBe(1);
  });
});

describe("lifting the mark", () => {
  it("verifying the address again (from the account page's form) clears it, audited, and mail flows again", async () => {
    const { client, email, userId } = await reportedUser();
    const resend = await submitForm(client, "/auth/verify-email/resend", { email });
    expect(resend.status).toBe(303);
    const [mail] = (await outboxFor(ctx.worker, email)).filter((message) => message.template === "email_verification");
    const code = codeIn(mail?.text ?? null);
    expect(await lastDelivery(ctx, userId, "email_verification")).toMatchObject({ status: "SENT" });
    const verified = await client.request("/auth/email/verify", { json: { code } });
    expect(verified.status).toBe(200);
    expect(await markOf(userId)).toEqual({ marked: false, reason: null });
    expect(await auditOf(userId, "email.undeliverable_cleared")).toEqual([{ metadata: { via: "verification" } }]);
    await forgot(email);
    expect(await resetMails(email)).toBe(1);
  });

  it("a late report on a message sent before the address was verified again does not mark it again", async () => {
    const { client, email, userId } = await reportedUser();
    const signupMail = await lastDelivery(ctx, userId, "email_verification");
    expect((await submitForm(client, "/auth/verify-email/resend", { email })).status).toBe(303);
    const [mail] = (await outboxFor(ctx.worker, email)).filter((message) => message.template === "email_verification");
    expect((await client.request("/auth/email/verify", { json: { code: codeIn(mail?.text ?? null) } })).status).toBe(
      200,
    );
    expect(await markOf(userId)).toEqual({ marked: false, reason: null });
    // The provider's complaint about the first (signup) mail arrives only now, with a fresh event id.
    const late = await postWebhook(ctx, {
      id: crypto.randomUUID(),
      message_id: signupMail.provider_message_id,
      type: "complaint",
    });
    expect(late.status).toBe(200);
    expect(await markOf(userId)).toEqual({ marked: false, reason: null });
    expect(await auditOf(userId, "email.undeliverable")).toHaveLength(1);
    await forgot(email);
    expect(await resetMails(email)).toBe(1);
  });

  it("changing the address clears it", async () => {
    const { client, userId } = await reportedUser();
    const newEmail = uniqueEmail("moved");
    expect((await client.request("/auth/email/change/request", { json: { email: newEmail } })).status).toBe(202);
    const code = codeIn((await outboxFor(ctx.worker, newEmail))[0]?.text ?? null);
    expect((await client.request("/auth/email/change", { json: { code } })).status).toBe(200);
    expect(await markOf(userId)).toEqual({ marked: false, reason: null });
    expect(await auditOf(userId, "email.undeliverable_cleared")).toEqual([{ metadata: { via: "email_change" } }]);
    await forgot(newEmail);
    expect(await resetMails(newEmail)).toBe(1);
  });
});
