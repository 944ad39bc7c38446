// Step-up requirements (RFC 9470): how recent the last sign-in must be and which methods (RFC 8176
// amr values, e.g. "mfa") it must have proven. One check shared by API routes and gateway policies.

export type StepUpPolicy = {
  /** The last full sign-in must be at most this many seconds old. */
  maxAgeSeconds?: number;
  /** Every one of these must be in the session's amr. */
  amr?: readonly string[];
};

/**
 * What the session lacks at `nowSeconds`: null when it satisfies the policy, "second_factor" when a
 * required method is missing (proving one also refreshes auth_time), else "recent_sign_in".
 */
export function stepUpShortfall(
  session: { authTime: number; amr: readonly string[] },
  policy: StepUpPolicy,
  nowSeconds: number,
): "second_factor" | "recent_sign_in" | null {
  if (policy.amr?.some((method) => !session.amr.includes(method))) return "second_factor";
  if (policy.maxAgeSeconds !== undefined && nowSeconds - session.authTime > policy.maxAgeSeconds)
    return "recent_sign_in";
  return null;
}

/** The error a caller gets for a shortfall; both are answered at POST /auth/reauthenticate. */
export const STEP_UP_ERRORS = {
  second_factor: "second_factor_required",
  recent_sign_in: "reauthentication_required",
} as const;

/** The WWW-Authenticate challenge that tells an API client what to prove (RFC 9470 §3). */
export function stepUpChallenge(policy: StepUpPolicy): string {
  const parts = [`Bearer error="insufficient_user_authentication"`];
  if (policy.maxAgeSeconds !== undefined) parts.push(`max_age=${policy.maxAgeSeconds}`);
  return parts.join(", ");
}
