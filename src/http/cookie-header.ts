// One parser for the Cookie header, shared by the session-cookie readers (cookies.ts) and the gateway's
// stripping (sanitize.ts), so a cookie is never honoured under one reading and forwarded under another.
// Pairs are separated by ";" only. A pair after ", " is not honoured: a browser never sends two Cookie
// fields, and a cookie any sibling subdomain can set (`x=1, __Host-portcullis_at=<theirs>`) must not
// plant a session that the __Host- prefix promises only this host can set. It is stripped instead.

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

/**
 * The names at every "name position" of a pair: before its "=" and after each "," in it. Two Cookie
 * fields arrive joined with ", " (`app=1, __Host-portcullis_at=…`), so a name can hide inside another
 * pair's value; the gateway strips a pair that names one of its cookies anywhere (never honours it).
 */
export function namesInCookiePair(pair: CookiePair): string[] {
  return pair.text.split(",").map((piece) => trimWhitespace(piece.split("=")[0] ?? ""));
}

/** The value of the first pair named exactly `name`; a pair whose name carried whitespace never counts. */
export function readCookieValue(header: string | null | undefined, name: string): string | undefined {
  return parseCookieHeader(header).find((pair) => pair.exact && pair.name === name)?.value;
}
