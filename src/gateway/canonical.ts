// The one canonical form of a request target (issue 10, H2): the gateway matches it, forwards it and
// signs it, so no spelling of a path (case, %-escapes, `;` parameters, `//`) reaches a broader route.
// Pure code with no Worker APIs, so `npm run routes -- explain` runs exactly this in Node.

/** A canonical path, or why the request's path cannot be made unambiguous (400 `invalid_path`). */
export type CanonicalPath =
  | {
      ok: true;
      /** What is forwarded and signed: unreserved escapes decoded, other escapes in upper case. */
      path: string;
      /** What routes are matched against: `path` without `;` parameters in any segment. */
      matchPath: string;
      /** True when some segment carries `;` parameters (refused unless the route opts in). */
      hasParameters: boolean;
    }
  | { ok: false; reason: string };

// RFC 3986 unreserved characters whose escapes are decoded. "." is unreserved too, but an encoded dot
// is refused instead: `%2e%2e` is a dot segment to some servers and a name to others.
const DECODED = /^[A-Za-z0-9\-_~]$/;
// Escapes refused outright: "/" and "\" (segment separators to some origins), "." and NUL; "%"
// (`%252F` is "/" to an origin that decodes twice); ";" "?" "#" (an origin that decodes before it
// strips parameters or splits off the query reads `/admin%3Bx/users` as `/admin/users`).
const REFUSED_ESCAPES = new Set([0x2f, 0x5c, 0x2e, 0x00, 0x25, 0x3b, 0x3f, 0x23]);
// A segment ending in "." or a space (encoded, or raw and escaped by the URL parser; a tab is a
// control, refused above): Windows servers strip them, so `/admin./users` is `/admin/users` to IIS.
const WINDOWS_TRIMMED_END = /(\.|%20)$/;
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
// Printable ASCII other than "\" (which the URL parser already turned into "/" for http(s)).
const LITERAL = /^[!-[\]-~]$/;

function refuse(reason: string): CanonicalPath {
  return { ok: false, reason };
}

// True when the path's bytes, escapes decoded, are UTF-8: legacy decoders read an overlong
// `%C0%AF` as "/", and no origin agrees on what other invalid sequences mean.
function decodesAsUtf8(path: string): boolean {
  const bytes: number[] = [];
  for (let index = 0; index < path.length; index++) {
    if (path.charAt(index) === "%") {
      bytes.push(Number.parseInt(path.slice(index + 1, index + 3), 16));
      index += 2;
    } else {
      bytes.push(path.charCodeAt(index));
    }
  }
  try {
    UTF8.decode(new Uint8Array(bytes));
    return true;
  } catch {
    return false;
  }
}

/**
 * Canonicalizes a URL's pathname (as the WHATWG URL parser leaves it: literal and `%2e` dot segments
 * already resolved, non-ASCII already escaped). Refuses encoded `/`, `\`, `.`, NUL and control
 * characters, encoded `%` `;` `?` `#`, malformed escapes, escapes that are not UTF-8, empty segments
 * (`//`, except a trailing `/`), dot segments and segments ending in "." or a space.
 */
export function canonicalizePath(pathname: string): CanonicalPath {
  if (!pathname.startsWith("/")) return refuse("the path must start with /");
  let path = "";
  for (let index = 0; index < pathname.length; index++) {
    const char = pathname.charAt(index);
    if (char === "%") {
      const hex = pathname.slice(index + 1, index + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return refuse("a malformed %-escape");
      const byte = Number.parseInt(hex, 16);
      if (REFUSED_ESCAPES.has(byte) || byte < 0x20 || byte === 0x7f) return refuse("an encoded separator or control");
      const decoded = String.fromCharCode(byte);
      path += DECODED.test(decoded) ? decoded : `%${hex.toUpperCase()}`;
      index += 2;
    } else if (LITERAL.test(char)) {
      path += char;
    } else {
      return refuse("a character that must be escaped");
    }
  }
  if (!decodesAsUtf8(path)) return refuse("escapes that are not UTF-8");
  const segments = path.slice(1).split("/");
  const matchSegments = segments.map((segment) => segment.split(";")[0] ?? "");
  for (const [index, segment] of matchSegments.entries()) {
    const last = index === segments.length - 1;
    // "/a/" is a path; "/a//b" and "/;x/b" are read as "/a/b" and "/b" by some origins.
    if (segment === "" && !(last && segments[index] === "")) return refuse("an empty segment");
    if (segment === "." || segment === "..") return refuse("a dot segment");
    // Each ";" part too: an origin that drops parameters after trimming reads "a.;x" as "a".
    const parts = (segments[index] ?? "").split(";");
    if (parts.some((part) => WINDOWS_TRIMMED_END.test(part))) return refuse("a segment ending in . or a space");
  }
  return { ok: true, path, matchPath: `/${matchSegments.join("/")}`, hasParameters: path.includes(";") };
}

/** The host routes are matched against: lower case, without a trailing dot or a port. */
export function canonicalHost(url: URL): string {
  return url.hostname.toLowerCase().replace(/\.$/, "");
}

/** ASCII-only lower case: a canonical path is ASCII, and folding keeps every index in place. */
export function foldCase(text: string): string {
  return text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}
