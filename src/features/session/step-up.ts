// Step-up requirements (RFC 9470): how recent the last sign-in must be and which methods (RFC 8176
// amr values, e.g. "mfa") it must have proven. One check shared by API routes and gateway policies.

export type StepUpPolicy = {
  /** The last full sign-in must be at most this many seconds old. */
  maxAgeSeconds?: number;
  /** Every one of these must be in the session's amr. */
  amr?: readonly string[];
};

/** Whether a session satisfies the policy at `nowSeconds`. */
export function meetsStepUp(
  session: { authTime: number; amr: readonly string[] },
  policy: StepUpPolicy,
  nowSeconds: number,
): boolean {
  if (policy.amr?.some((method) => !session.amr.includes(method))) return false;
  return policy.maxAgeSeconds === undefined || nowSeconds - session.authTime <= policy.maxAgeSeconds;
}

/** The WWW-Authenticate challenge that tells an API client what to prove (RFC 9470 §3). */
export function stepUpChallenge(policy: StepUpPolicy): string {
  const parts = [`Bearer error="insufficient_user_authentication"`];
  if (policy.maxAgeSeconds !== undefined) parts.push(`max_age=${policy.maxAgeSeconds}`);
  return parts.join(", ");
}
