// The OpenAPI operations of the pages' passkey options routes. They are JSON routes under /auth/*, so
// they are documented like the API (and the passkey script calls them through the typed client), but
// they belong to the hosted pages: same origin only, bound to the page's cookies (the sign-in's
// second-factor challenge, the signed-in session), and answer {"options": …} for the script.
import { z } from "zod";
import { PasskeyCreationOptions, PasskeyRequestOptions } from "../features/passkeys/schemas.ts";
import { ResetTokenBody } from "../features/verification/schemas.ts";
import { describe, describeSessionRoute } from "../http/openapi/describe.ts";

const PageAssertionOptions = z.object({ options: PasskeyRequestOptions });
const PageRegistrationOptions = z.object({ options: PasskeyCreationOptions });

/** The security page's script posts `{}`: the session is the page's cookie. */
export const RegistrationOptionsBody = z.strictObject({});

const SAME_ORIGIN =
  "Only the gateway's own pages may ask: a request without the gateway's own Origin (or Sec-Fetch-Site: same-origin) is refused with csrf_rejected, whether it carries the session cookie or a bearer token.";

export const pagePasskeyOptionsDocs = {
  signIn: describe({
    operationId: "getSignInPagePasskeyOptions",
    tag: "pages",
    summary: "The sign-in page's WebAuthn options for a passkey sign-in (usernameless, autofill)",
    description: SAME_ORIGIN,
    responses: { 200: PageAssertionOptions },
    errors: ["too_many_attempts"],
  }),
  twoFactor: describe({
    operationId: "getTwoFactorPagePasskeyOptions",
    tag: "pages",
    summary: "The second-factor page's WebAuthn options, for the challenge in the page's flow cookie",
    description: SAME_ORIGIN,
    responses: { 200: PageAssertionOptions },
    errors: ["invalid_challenge", "no_passkey", "too_many_attempts"],
  }),
  reauthenticate: describeSessionRoute({
    operationId: "getReauthenticatePagePasskeyOptions",
    tag: "pages",
    summary: "The re-authentication page's WebAuthn options for one of the signed-in user's passkeys",
    description: SAME_ORIGIN,
    responses: { 200: PageAssertionOptions },
    errors: ["no_passkey", "too_many_attempts"],
  }),
  resetPassword: describe({
    operationId: "getResetPasswordPagePasskeyOptions",
    tag: "pages",
    summary: "The reset page's WebAuthn options for the passkey that proves a reset's second factor",
    description: SAME_ORIGIN,
    body: ResetTokenBody,
    responses: { 200: PageAssertionOptions },
    errors: ["invalid_token", "no_passkey", "too_many_attempts"],
  }),
  registration: describeSessionRoute({
    operationId: "getSecurityPagePasskeyRegistrationOptions",
    tag: "pages",
    summary: "The security page's WebAuthn options to add a passkey (a recent sign-in with a second factor)",
    description: SAME_ORIGIN,
    body: RegistrationOptionsBody,
    responses: { 200: PageRegistrationOptions },
    errors: ["reauthentication_required", "second_factor_required", "too_many_attempts"],
  }),
};
