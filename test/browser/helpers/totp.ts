// TOTP codes from an independent implementation (otpauth), not the gateway's own @oslojs/otp.
import { Secret, TOTP, URI } from "otpauth";

/** The current code (or the one at `timestampMs`) for a base32 secret, with RFC 6238's defaults. */
export function totpCode(base32Secret: string, timestampMs = Date.now()): string {
  const totp = new TOTP({ secret: Secret.fromBase32(base32Secret), algorithm: "SHA1", digits: 6, period: 30 });
  return totp.generate({ timestamp: timestampMs });
}

/** The code for an `otpauth://totp/…` URI (what the enrollment QR code encodes), with its own parameters. */
export function totpCodeFromUri(uri: string, timestampMs = Date.now()): string {
  const parsed = URI.parse(uri);
  if (!(parsed instanceof TOTP)) throw new Error("not a TOTP URI");
  return parsed.generate({ timestamp: timestampMs });
}

/** Milliseconds until the next 30-second step, to avoid submitting a code as it expires. */
export function msUntilNextStep(timestampMs = Date.now()): number {
  return 30_000 - (timestampMs % 30_000);
}
