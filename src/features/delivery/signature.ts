// Delivery webhook signatures: HMAC-SHA-256 over `timestamp + "." + raw body`, sent as
// `X-Portcullis-Signature: v1=<hex>[,v1=<hex>]` with `X-Portcullis-Timestamp: <unix seconds>`.
import { decodeHex } from "@oslojs/encoding";
import { constantTimeEqual, hmacSha256 } from "../../crypto/bytes.ts";

/** How old an event may be (replays older than this are refused outright). */
export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;
/** How far ahead of our clock a sender's may run. */
export const WEBHOOK_FUTURE_SKEW_SECONDS = 60;
const MAX_SIGNATURES = 4;
const TIMESTAMP = /^\d{1,12}$/;
const SIGNATURE = /^v1=([0-9a-f]{64})$/;

const encoder = new TextEncoder();

export type SignatureCheck =
  | { kind: "valid"; timestampSeconds: number }
  | { kind: "invalid" }
  | { kind: "out_of_range" };

/**
 * Checks the headers against every configured secret (rotation: the new and the previous one), in
 * constant time per comparison; only a correctly signed request learns whether its time was refused.
 */
export async function checkWebhookSignature(input: {
  secrets: readonly string[];
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: string;
  nowSeconds: number;
}): Promise<SignatureCheck> {
  const { timestamp, signature } = input;
  if (!timestamp || !signature || !TIMESTAMP.test(timestamp)) return { kind: "invalid" };
  const given = signature
    .split(",")
    .slice(0, MAX_SIGNATURES)
    .map((part) => SIGNATURE.exec(part.trim())?.[1])
    .filter((hex): hex is string => hex !== undefined)
    .map((hex) => decodeHex(hex));
  let matched = false;
  for (const secret of input.secrets) {
    const expected = await hmacSha256(encoder.encode(secret), `${timestamp}.${input.rawBody}`);
    for (const candidate of given) if (constantTimeEqual(expected, candidate)) matched = true;
  }
  if (!matched) return { kind: "invalid" };
  const timestampSeconds = Number(timestamp);
  const age = input.nowSeconds - timestampSeconds;
  if (age > WEBHOOK_TOLERANCE_SECONDS || age < -WEBHOOK_FUTURE_SKEW_SECONDS) return { kind: "out_of_range" };
  return { kind: "valid", timestampSeconds };
}
