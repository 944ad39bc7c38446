// One parser for the Cookie header, shared by the session-cookie readers (cookies.ts) and the gateway's
// stripping (sanitize.ts), so a cookie is never honoured under one reading and forwarded under another.

/** One `name=value` pair of a Cookie header. */
export type CookiePair = {
  /** The name with surrounding spaces and tabs removed (how lenient servers read it). */
  name: string;
  value: string;
  /** False when the name as sent carried whitespace (`__Host-portcullis_at =…`): never honoured. */
  exact: boolean;
  /** The pair as sent, without the separator. */
  text: string;
};

const trimWhitespace = (text: string) => text.replace(/^[ \t]+|[ \t]+$/g, "");

/**
 * Splits a Cookie header into pairs. RFC 6265 separates pairs with "; ": that one space is the
 * separator, any other whitespace belongs to the name (and makes it inexact). Pairs without "=" are
 * kept with an empty name.
 */
export function parseCookieHeader(header: string | null | undefined): CookiePair[] {
  if (!header) return [];
  const pairs: CookiePair[] = [];
  for (const [index, part] of header.split(";").entries()) {
    const text = index > 0 && part.startsWith(" ") ? part.slice(1) : part;
    if (trimWhitespace(text) === "") continue;
    const separator = text.indexOf("=");
    if (separator === -1) {
      pairs.push({ name: "", value: trimWhitespace(text), exact: false, text });
      continue;
    }
    const rawName = text.slice(0, separator);
    const name = trimWhitespace(rawName);
    let value = trimWhitespace(text.slice(separator + 1));
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    pairs.push({ name, value, exact: rawName === name, text });
  }
  return pairs;
}

/** The value of the first pair named exactly `name`; a pair whose name carried whitespace never counts. */
export function readCookieValue(header: string | null | undefined, name: string): string | undefined {
  return parseCookieHeader(header).find((pair) => pair.exact && pair.name === name)?.value;
}
