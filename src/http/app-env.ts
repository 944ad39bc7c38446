// The Hono environment every route and middleware shares: bindings and per-request variables.
import type { Bindings, Config } from "../config/index.ts";
import type { PrismaClient } from "../db/generated/client.ts";
import type { AppError } from "./app-error.ts";

/** The caller's verified access token, as requireSession() leaves it for routes. */
export type AuthenticatedSession = {
  userId: string;
  sessionId: string;
  email: string;
  emailVerified: boolean;
  amr: string[];
  /** Unix seconds of the last full authentication. */
  authTime: number;
  /** The active tenant's membership roles plus platform roles; empty while MFA enrollment is required. */
  roles: string[];
  /** The active tenant's id and slug. */
  tenant?: string;
  tenantSlug?: string;
  /** The user's membership epoch when the token was issued. */
  membershipEpoch: number;
  /** The session may only enroll a second factor (REQUIRE_MFA_ROLES): other routes answer 403. */
  mfaEnrollmentRequired: boolean;
  /** Issue 15: the token says onboarding is completed (claim `onb`). */
  onboardingComplete: boolean;
  /** Issue 15: the profile as of the token (claims `name`, `preferred_username`); a change reissues it. */
  name: string | null;
  username: string | null;
  issuedAt: number;
  expiresAt: number;
};

export type AppEnv = {
  Bindings: Bindings;
  Variables: {
    requestId: string;
    config: Config;
    /** The request's PrismaClient: its connection opens on first query and closes after the response and deferred work. */
    db: () => PrismaClient;
    session: AuthenticatedSession;
    /** Set-Cookie values every response to this request must carry (cookies rotated at the edge, M2). */
    pendingSetCookies?: string[];
    /**
     * Starts `work` once the response is ready (waitUntil), on the request's connection, which stays
     * open until it ends; a failure is logged and can no longer change the answer.
     */
    defer: (work: () => Promise<unknown>) => void;
    /** Hosted pages only: the response's CSP nonce. */
    cspNonce?: string;
    /** Hosted pages only: the signed-in user pageSession() found, whose preferences the page honours. */
    pageUserId?: string;
    /** Hosted pages only: renders an error as an HTML page instead of the JSON shape. */
    renderErrorPage?: (error: AppError) => Promise<Response>;
  };
};
