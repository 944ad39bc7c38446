// Authentication method references (RFC 8176) as sessions record them.

/**
 * Adds "mfa" when the methods span two factors: a password or an external identity ("fed", not in
 * RFC 8176: a sign-in at a social provider or a federated issuer) with a one-time code or a key, or
 * a hardware key used with user verification (possession plus a PIN or biometrics).
 */
export function withMultiFactorMarker(amr: readonly string[]): string[] {
  const methods = [...new Set(amr)];
  const has = (method: string) => methods.includes(method);
  const multiFactor = ((has("pwd") || has("fed")) && (has("otp") || has("hwk"))) || (has("hwk") && has("user"));
  if (multiFactor && !has("mfa")) methods.push("mfa");
  return methods;
}

/**
 * The session's methods after a step-up that proved `proven` just now. A second factor (a one-time
 * code or a key) adds to what the session proved before, so a password session that proves a code
 * becomes multi-factor. A password alone starts over: a fresh password on a session that proved a
 * second factor long ago must not pass for a recent multi-factor sign-in (stolen session + password).
 */
export function amrAfterStepUp(sessionAmr: readonly string[], proven: readonly string[]): string[] {
  const provesSecondFactor = proven.includes("otp") || proven.includes("hwk");
  return withMultiFactorMarker(provesSecondFactor ? [...sessionAmr.filter((m) => m !== "mfa"), ...proven] : proven);
}
