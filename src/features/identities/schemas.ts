// Request schemas of the identity routes (social sign-in, linked identities, token exchange) and the
// documented shapes of their answers.
import { z } from "zod";
import { DeliveredSession } from "../session/schemas.ts";

const Timestamp = z.iso.datetime();

export const LinkBody = z.strictObject({ linkToken: z.string().min(1).max(512) });
export const IdentityId = z.uuid();
/** A malformed id answers 404 identity_not_found, as an unknown one does. */
export const IdentityIdParams = z.object({ id: IdentityId });

/** RFC 8693 token exchange; the same fields as a form (`application/x-www-form-urlencoded`) or JSON. */
export const ExchangeBody = z.strictObject({
  grant_type: z
    .string()
    .max(200)
    .meta({ description: "urn:ietf:params:oauth:grant-type:token-exchange (else 400 unsupported_grant_type)" }),
  subject_token: z
    .string()
    .min(1)
    .max(16 * 1024)
    .meta({ description: "An ID token from one of FEDERATED_ISSUERS." }),
  subject_token_type: z.string().max(200).meta({ description: "urn:ietf:params:oauth:token-type:id_token" }),
});

/** The provider's id in the path: an entry of OAUTH_PROVIDERS (unknown: 404 not_found). */
export const ProviderParams = z.object({
  provider: z.string().meta({ description: "An OAUTH_PROVIDERS entry's id." }),
});

// Read with c.req.query() (not validated: an unknown intent is a sign-in, a bad return_to is replaced).
export const OAuthStartQuery = z.object({
  intent: z
    .string()
    .optional()
    .meta({ description: "`link` (add to the signed-in account) or `reauth` (step-up); anything else signs in." }),
  return_to: z
    .string()
    .optional()
    .meta({ description: "Where to go afterwards: a path on the gateway or an allowed origin (else `/`)." }),
});

// What the provider sends back: on the query (GET) or as Apple's form_post body (POST).
const CallbackFields = {
  state: z.string().optional().meta({ description: "The state the start sent; it is consumed once." }),
  code: z.string().optional(),
  error: z.string().optional().meta({ description: "The provider's refusal, e.g. access_denied." }),
};
export const OAuthCallbackQuery = z.object(CallbackFields);
export const OAuthFormPostBody = z.object({
  ...CallbackFields,
  id_token: z.string().optional(),
  user: z.string().optional().meta({ description: "Apple: the user's name, as JSON text, on the first consent." }),
});

export const IdentityListResponse = z.object({
  identities: z.array(
    z.object({
      id: z.uuid(),
      provider: z.string(),
      providerType: z.string(),
      issuer: z.string(),
      email: z.string().nullable(),
      emailVerified: z.boolean(),
      legacyId: z.string().nullable(),
      linkedAt: Timestamp,
      lastUsedAt: Timestamp.nullable(),
      tokensStored: z.boolean(),
      reconsentRequired: z.boolean(),
    }),
  ),
});

export const LinkResponse = z.object({ status: z.literal("linked"), identityId: z.uuid(), provider: z.string() });
export const UnlinkResponse = z.object({ status: z.literal("unlinked") });

export const ProviderAccessTokenResponse = z.object({
  accessToken: z.string(),
  tokenType: z.literal("Bearer"),
  expiresAt: Timestamp.nullable(),
  scope: z.string().nullable(),
});

const SecondFactorMethod = z.enum(["totp", "passkey", "recovery_code"]);

export const TokenExchangeResponse = z.union([
  z
    .object({
      access_token: z.string(),
      issued_token_type: z.literal("urn:ietf:params:oauth:token-type:access_token"),
      token_type: z.literal("Bearer"),
      expires_in: z.number().int().nonnegative(),
      refresh_token: z.string(),
      status: z.literal("signed_in"),
      created: z.boolean().meta({ description: "True when this exchange created the account." }),
      session: DeliveredSession,
    })
    .meta({ description: "Signed in: RFC 8693's fields, then the session as API sign-ins return it." }),
  z
    .object({ status: z.literal("mfa_required"), challenge: z.string(), methods: z.array(SecondFactorMethod) })
    .meta({ description: "The account has a second factor: answer the challenge at POST /auth/mfa/verify." }),
  z
    .object({ status: z.literal("link_required"), linkToken: z.string(), email: z.string() })
    .meta({ description: "An account has this address: sign in to it, then POST /auth/identities/link." }),
]);
