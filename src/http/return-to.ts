// Validates where to send a browser after sign-in: same-origin relative paths only, so return_to can
// never become an open redirect (//evil.com, /\evil.com, https:…, encoded and control-character tricks).

const MAX_RETURN_TO_LENGTH = 2048;
const BASE = "https://gateway.invalid";

function looksSafe(path: string): boolean {
  return (
    path.startsWith("/") &&
    !path.startsWith("//") &&
    !path.includes("\\") &&
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
    !/[\u0000-\u001f\u007f]/.test(path)
  );
}

/** The path `path` resolves to (dot segments applied), or null when it leaves our origin. */
function resolvedPath(path: string): string | null {
  const resolved = new URL(path, BASE);
  if (resolved.origin !== BASE) return null;
  return `${resolved.pathname}${resolved.search}${resolved.hash}`;
}

/**
 * `value` when it is a safe same-origin path (with query and fragment), otherwise `fallback`. Only the
 * path is checked decoded: the query and fragment cannot change the origin and stay encoded in the
 * Location header, so `?path=C:%5Cdocs` or `?q=%E0` keep their destination. Past the length limit the
 * query and fragment are dropped, the path kept.
 */
export function safeReturnTo(value: unknown, fallback = "/"): string {
  if (typeof value !== "string" || value.length === 0) return fallback;
  const cut = value.search(/[?#]/);
  const path = cut === -1 ? value : value.slice(0, cut);
  if (path.length > MAX_RETURN_TO_LENGTH) return fallback;
  const kept = value.length > MAX_RETURN_TO_LENGTH ? path : value;
  let decodedPath: string;
  try {
    decodedPath = decodeURIComponent(path);
  } catch {
    return fallback;
  }
  // Checked raw (all of it) and the path once decoded: something downstream may decode before redirecting.
  if (!looksSafe(kept) || !looksSafe(decodedPath)) return fallback;
  // And checked again once dot segments are resolved, which can bring slashes together: "/.//evil.com"
  // and "/x/..//evil.com" resolve to "//evil.com" (M1), "/%2e//evil.com" once decoded.
  const result = resolvedPath(kept);
  const resolvedDecoded = resolvedPath(decodedPath);
  if (result === null || resolvedDecoded === null || !looksSafe(result) || !looksSafe(resolvedDecoded)) return fallback;
  return result;
}
