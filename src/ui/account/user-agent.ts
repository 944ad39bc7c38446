// A readable name for a session's device from its User-Agent ("Firefox on Windows"): a few well-known
// tokens, checked in an order that resolves the ones browsers copy from each other (Edge says Chrome).

/** Product names (not translated); null where the agent does not say. */
export type DeviceName = { browser: string | null; os: string | null };

const BROWSERS: ReadonlyArray<[RegExp, string]> = [
  [/\bEdg(e|A|iOS)?\//, "Edge"],
  [/\bOPR\//, "Opera"],
  [/\bSamsungBrowser\//, "Samsung Internet"],
  [/\b(Firefox|FxiOS)\//, "Firefox"],
  [/\b(Chrome|CriOS)\//, "Chrome"],
  [/\bVersion\/[\d.]+.*\bSafari\//, "Safari"],
  [/^curl\//, "curl"],
];

const SYSTEMS: ReadonlyArray<[RegExp, string]> = [
  [/\bWindows\b/, "Windows"],
  [/\b(iPhone|iPad|iPod)\b/, "iOS"],
  [/\bAndroid\b/, "Android"],
  [/\bCrOS\b/, "ChromeOS"],
  [/\bMac OS X\b|\bMacintosh\b/, "macOS"],
  [/\bLinux\b/, "Linux"],
];

const firstMatch = (list: ReadonlyArray<[RegExp, string]>, text: string) =>
  list.find(([pattern]) => pattern.test(text))?.[1];

/** The browser and system a User-Agent names, or null when it names neither. */
export function describeUserAgent(userAgent: string | null): DeviceName | null {
  if (!userAgent) return null;
  const browser = firstMatch(BROWSERS, userAgent);
  const os = firstMatch(SYSTEMS, userAgent);
  if (!browser && !os) return null;
  return { browser: browser ?? null, os: os ?? null };
}
