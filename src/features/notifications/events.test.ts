// Each notification type is created by the real event that audits it, through the Worker's routes:
// sign-ins (new device or not), password change and reset, email change, TOTP on and off, a passkey,
// a linked identity, an invitation to an existing user and a scheduled deletion.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  STRONG_PASSWORD,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
} from "../../../test/helpers/auth.ts";
import { invite, tenantWith, verifiedUser } from "../../../test/helpers/invitations.ts";
import { notificationTypes, storedNotifications } from "../../../test/helpers/notifications.ts";
import { deliverCallback, locationOf, providerAccount } from "../../../test/helpers/oauth-flow.ts";
import { signInAtProvider } from "../../../test/helpers/oidc-provider.ts";
import { codeIn, outboxFor, tokenIn } from "../../../test/helpers/outbox.ts";
import { codeAt, enrollTotp, registerPasskey } from "../../../test/helpers/second-factors.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest({ REQUIRE_MFA_ROLES: "PLATFORM_ADMIN" });
});

const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";
const signIn = (email: string, userAgent: string) =>
  ctx
    .client()
    .request("/auth/login", { json: { email, password: STRONG_PASSWORD }, headers: { "user-agent": userAgent } });

describe("new device sign-ins", () => {
  it("notifies a sign-in from a user agent the account never used, once, and not the first one after sign-up", async () => {
    const email = uniqueEmail("device");
    await signUpBrowser(ctx, email);
    expect(await notificationTypes(ctx, email)).toEqual([]);
    expect((await signIn(email, FIREFOX)).status).toBe(200);
    expect((await signIn(email, FIREFOX)).status).toBe(200);
    const rows = await storedNotifications(ctx, email);
    expect(rows).toEqual([{ type: "NEW_DEVICE_SIGN_IN", data: { device: FIREFOX, method: "password" }, read: false }]);
    // Its mail is the existing new-device notice, sent once: notifications add no second one.
    const mails = (await outboxFor(ctx.worker, email)).map((mail) => mail.template);
    expect(mails.filter((template) => template.includes("sign_in"))).toEqual(["new_sign_in_notice"]);
    // Display facts only: no address, hash or token.
    expect(JSON.stringify(rows)).not.toMatch(/198\.18\.|ip_?hash|token/i);
  });

  it("does not count the very first sign-in of an account that had no session yet as new", async () => {
    const email = uniqueEmail("first");
    const response = await ctx.client().request("/auth/signup", { json: { email, password: STRONG_PASSWORD } });
    expect(response.status).toBe(201);
    await ctx.sql("DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE email = $1)", [email]);
    expect((await signIn(email, FIREFOX)).status).toBe(200);
    expect(await notificationTypes(ctx, email)).toEqual([]);
  });
});

describe("credential changes", () => {
  it("notifies a password change (in-app and by mail) and a reset", async () => {
    const email = uniqueEmail("pw");
    const client = await signUpBrowser(ctx, email);
    const NEW = "a brand new passphrase 99";
    const change = await client.request("/auth/password/change", { json: { current: STRONG_PASSWORD, new: NEW } });
    expect(change.status).toBe(200);
    expect(await storedNotifications(ctx, email)).toEqual([
      { type: "PASSWORD_CHANGED", data: { via: "change" }, read: false },
    ]);
    expect((await outboxFor(ctx.worker, email)).map((mail) => mail.template)).toContain(
      "notification_password_changed",
    );
    // A wrong current password changes nothing and notifies nothing.
    await client.request("/auth/password/change", { json: { current: "wrong one", new: NEW } });
    expect(await ctx.count("notifications n JOIN users u ON u.id = n.user_id", "u.email = $1", [email])).toBe(1);

    await ctx.client().request("/auth/password/forgot", { json: { email }, origin: null });
    const link = (await outboxFor(ctx.worker, email)).find((mail) => mail.template === "password_reset");
    const reset = await ctx.client().request("/auth/password/reset", {
      json: { token: tokenIn(link?.text ?? null), password: STRONG_PASSWORD },
      origin: null,
    });
    expect(reset.status).toBe(200);
    expect((await storedNotifications(ctx, email)).map((row) => row.data)).toEqual([
      { via: "change" },
      { via: "reset" },
    ]);
  });

  it("notifies an email change in-app only: the old address's notice is the one mail", async () => {
    const oldEmail = uniqueEmail("old");
    const newEmail = uniqueEmail("new");
    const client = await signUpBrowser(ctx, oldEmail);
    expect((await client.request("/auth/email/change/request", { json: { email: newEmail } })).status).toBe(202);
    const code = codeIn((await outboxFor(ctx.worker, newEmail))[0]?.text ?? null);
    expect((await client.request("/auth/email/change", { json: { code } })).status).toBe(200);
    expect(await storedNotifications(ctx, newEmail)).toEqual([{ type: "EMAIL_CHANGED", data: {}, read: false }]);
    expect((await outboxFor(ctx.worker, oldEmail)).map((mail) => mail.template)).toEqual([
      "email_change_notice",
      "email_verification",
    ]);
    expect((await outboxFor(ctx.worker, newEmail)).map((mail) => mail.template)).toEqual(["email_change_code"]);
  });

  it("notifies TOTP turned on and off, and a passkey added", async () => {
    const email = uniqueEmail("factors");
    const client = await signUpBrowser(ctx, email);
    const { secret } = await enrollTotp(client);
    const disabled = await client.request("/auth/mfa/totp/disable", { json: { totp: codeAt(secret, 0) } });
    expect(disabled.status).toBe(200);
    await registerPasskey(client, "Work laptop");
    expect(await storedNotifications(ctx, email)).toEqual([
      { type: "SECOND_FACTOR_ADDED", data: { method: "totp" }, read: false },
      { type: "SECOND_FACTOR_REMOVED", data: { method: "totp" }, read: false },
      { type: "PASSKEY_ADDED", data: { name: "Work laptop" }, read: false },
    ]);
    const templates = (await outboxFor(ctx.worker, email)).map((mail) => mail.template);
    expect(templates).toEqual(
      expect.arrayContaining([
        "notification_second_factor_added",
        "notification_second_factor_removed",
        "notification_passkey_added",
      ]),
    );
  });
});

describe("links, invitations and deletion", () => {
  it("notifies an identity linked from the account (the identity notice stays the one mail)", async () => {
    const email = uniqueEmail("link");
    const owner = await signUpBrowser(ctx, email);
    await ctx.sql("UPDATE users SET email_verified_at = now() WHERE email = $1", [email]);
    const start = await owner.request("/auth/oauth/oidc/start?intent=link&return_to=%2Fauth%2Faccount%2Fsecurity", {
      headers: { "sec-fetch-site": "same-origin" },
    });
    expect(start.status).toBe(302);
    const callback = await signInAtProvider(start.headers.get("location") ?? "", providerAccount(uniqueEmail("op")));
    expect(locationOf(await deliverCallback(owner, callback))).toBe("/auth/account/security?identity=linked");
    expect(await storedNotifications(ctx, email)).toEqual([
      { type: "IDENTITY_LINKED", data: { provider: "oidc" }, read: false },
    ]);
    const templates = (await outboxFor(ctx.worker, email)).map((mail) => mail.template);
    expect(
      templates.filter((template) => template.startsWith("identity") || template.startsWith("notification")),
    ).toEqual(["identity_linked_notice"]);
  });

  it("notifies an existing user invited to a tenant, on creation and on resend; an unknown address has no inbox", async () => {
    const owner = await verifiedUser(ctx, uniqueEmail("owner"));
    const tenant = await tenantWith(ctx, [{ userId: owner.id, roles: ["OWNER"] }], "Globex Labs");
    const invitee = uniqueEmail("invitee");
    await signUpBrowser(ctx, invitee);
    const created = await invite(owner.client, tenant.id, invitee, ["STAFF"]);
    expect(created.status).toBe(201);
    const { invitation } = (await created.json()) as { invitation: { id: string } };
    const resent = await owner.client.request(`/auth/tenants/${tenant.id}/invitations/${invitation.id}/resend`, {
      method: "POST",
    });
    expect(resent.status).toBe(200);
    const data = { tenantName: "Globex Labs", roles: ["STAFF"] };
    expect(await storedNotifications(ctx, invitee)).toEqual([
      { type: "INVITATION_RECEIVED", data, read: false },
      { type: "INVITATION_RECEIVED", data, read: false },
    ]);
    const before = await ctx.count("notifications");
    expect((await invite(owner.client, tenant.id, uniqueEmail("stranger"))).status).toBe(201);
    expect(await ctx.count("notifications")).toBe(before);
    expect(await storedNotifications(ctx, owner.email)).toEqual([]);
  });

  it("notifies a scheduled deletion with its date, in-app only (the deletion notice is its mail)", async () => {
    const email = uniqueEmail("leaving");
    const client = await signUpBrowser(ctx, email);
    expect((await client.request("/auth/account/delete", { json: { confirm: "DELETE" } })).status).toBe(200);
    const [row] = await storedNotifications(ctx, email);
    expect(row).toEqual({
      type: "ACCOUNT_DELETION_SCHEDULED",
      data: { scrubOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), byAdmin: false },
      read: false,
    });
    const templates = (await outboxFor(ctx.worker, email)).map((mail) => mail.template);
    expect(templates.filter((template) => template.startsWith("notification"))).toEqual([]);
    expect(templates).toContain("account_deletion");
  });
});
