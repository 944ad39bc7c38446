// Declares a route's OpenAPI operation next to the route, from the zod schemas the handler validates
// with: `.get(path, describe({...}), handler)`. The declaration rides on the middleware (OPERATION), so
// the document builder (features/openapi) and the contract tests find it through the app's route list.
import type { MiddlewareHandler } from "hono";
import type { z } from "zod";
import type { ErrorCode } from "../error-codes.ts";

/** The document's tags, in the order the reference shows them. */
export const API_TAGS = {
  health: "Liveness and readiness of the gateway and its dependencies.",
  keys: "Public keys that verify the gateway's tokens and assertions.",
  meta: "This API description and its reference page.",
  session: "Refresh, log out, inspect and revoke sessions.",
  profile: "The signed-in user's profile and display preferences.",
  onboarding: "Onboarding steps a new user completes before reaching apps.",
  verification: "Email and phone verification and password reset by mail.",
  account:
    "The user's own account: sign up, sign in with a password, change it, the sign-in history, deletion and the data export.",
  notifications: "The signed-in user's in-app inbox.",
  admin: "The admin API: users, roles, tenants and the audit trail (PLATFORM_ADMIN with a recent MFA sign-in).",
  webhooks: "Server-to-server callbacks from the mail and SMS providers, signed with a shared secret.",
  identities: "Social sign-in (browser redirects), linked identities, provider tokens and federated token exchange.",
  tenants: "Tenants the user belongs to, switching the active one, and their members.",
  invitations: "Inviting people to a tenant, and accepting or declining an invitation.",
  mfa: "Second factors (authenticator app, recovery codes), the sign-in's second step and re-authentication.",
  passkeys: "Passkey registration, passkey sign-in, and the user's passkeys.",
  pages:
    "JSON the hosted pages' passkey script asks for: same origin only, bound to the page's cookies; an app's own code uses the passkeys and mfa operations instead.",
} as const;
export type ApiTag = keyof typeof API_TAGS;

/** How a request body may be sent. */
export type BodyMediaType = "application/json" | "application/x-www-form-urlencoded";

/**
 * A response without a JSON body is described by a sentence (and its content type, e.g. text/html);
 * `headers` names the headers it carries (e.g. a redirect's Location), each with a sentence.
 */
export type ResponseDeclaration =
  | z.ZodType
  | { description: string; schema?: z.ZodType; contentType?: string; headers?: Record<string, string> };

export type OperationDeclaration = {
  operationId: string;
  tag: ApiTag;
  summary: string;
  description?: string;
  /**
   * "session": requireSession() guards the route (cookie or bearer; adds 401/403 of SESSION_ERRORS).
   * "optional": a session is used when one is presented (a bad one is 401).
   * "deliveryWebhook": signed with the delivery webhook secret (HMAC headers, no session). @default public
   */
  auth?: "session" | "optional" | "deliveryWebhook";
  /** The JSON body, read with readJsonBody (adds the 400/415 of JSON_BODY_ERRORS). */
  body?: z.ZodType;
  /** False when the body may be left out altogether (e.g. a cookie carries the token). @default true */
  bodyRequired?: boolean;
  /**
   * The body's media types; JSON_BODY_ERRORS are implied only when JSON is one of them (a form-only
   * route lists its own refusals). @default ["application/json"]
   */
  bodyMediaTypes?: readonly [BodyMediaType, ...BodyMediaType[]];
  query?: z.ZodObject;
  params?: z.ZodObject;
  /** Request headers the route reads itself (not cookies or Authorization: the security schemes say those). */
  headers?: z.ZodObject;
  /** Answers other than the error shape, by status (they win over an implied error of that status). */
  responses: Record<number, ResponseDeclaration>;
  /** The route's own error codes; the builder adds the ones its middleware and body reading imply. */
  errors?: readonly ErrorCode[];
};

/** The property of a describe() middleware that holds its declaration. */
export const OPERATION = Symbol("portcullis.openapi.operation");
export type DescribedMiddleware = MiddlewareHandler & { [OPERATION]: OperationDeclaration };

/** Middleware that documents the route it stands on; at request time it only passes the request on. */
export function describe(declaration: OperationDeclaration): DescribedMiddleware {
  const middleware: MiddlewareHandler = async (_c, next) => {
    await next();
  };
  return Object.assign(middleware, { [OPERATION]: declaration });
}

/** describe() for a route behind requireSession(). */
export const describeSessionRoute = (declaration: Omit<OperationDeclaration, "auth">) =>
  describe({ ...declaration, auth: "session" });
