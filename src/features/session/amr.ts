// Authentication method references (RFC 8176) as sessions record them.

/**
 * Adds "mfa" when the methods span two factors: a password with a one-time code or a key, or a
 * hardware key used with user verification (possession plus a PIN or biometrics).
 */
export function withMultiFactorMarker(amr: readonly string[]): string[] {
  const methods = [...new Set(amr)];
  const has = (method: string) => methods.includes(method);
  const multiFactor = (has("pwd") && (has("otp") || has("hwk"))) || (has("hwk") && has("user"));
  if (multiFactor && !has("mfa")) methods.push("mfa");
  return methods;
}
