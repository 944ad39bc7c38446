// What every fuzzed answer must satisfy: no 5xx, the one error shape on 4xx, an X-Request-Id, and no
// stack trace, source path or secret in the body.

/** Stack frames, error class prefixes and source paths: signs an exception reached the client. */
const STACK_SIGNS = [
  /\bat \S+ \(\S+:\d+:\d+\)/,
  /^\s+at \S+/m,
  /\b(?:Type|Range|Reference|Syntax|Prisma\w*|Neon\w*)Error\b/,
  /(?:^|[\s"'])Error: /,
  /\/src\/|node_modules|\.ts:\d+/,
];
/** A JWT or a long random-looking token. */
const TOKEN_SHAPE = /eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}|\b[A-Za-z0-9_-]{43,}\b/g;

export type ResponseFacts = { status: number; headers: Headers; text: string };

/** The secrets of the test bindings that no answer may contain (strings of 16+ characters). */
export function secretsOf(bindings: Record<string, unknown>): string[] {
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(bindings)) {
    if (typeof value !== "string") continue;
    if (/SECRET|PRIVATE|TOKEN/.test(name) && value.length >= 16) secrets.push(value);
    if (name === "SIGNING_KEYS" || name === "FEDERATED_SIGNING_KEYS") {
      for (const match of value.matchAll(/"(?:d|p|q|dp|dq|qi|k)"\s*:\s*"([^"]{16,})"/g))
        secrets.push(match[1] as string);
    }
    if (name.endsWith("DATABASE_URL") || name === "PG_ADMIN_URL") {
      let password = "";
      try {
        password = new URL(value).password;
      } catch {
        password = "";
      }
      if (password.length >= 8) secrets.push(password);
    }
  }
  return secrets;
}

function isErrorShape(body: unknown): boolean {
  if (typeof body !== "object" || body === null) return false;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== "object" || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return typeof code === "string" && /^[a-z][a-z0-9_]*$/.test(code) && typeof message === "string" && message !== "";
}

/**
 * The problems with one answer (empty when it is fine). `sent` is everything the request carried, so a
 * token the request itself contained may be echoed (it is not a leak); any other token in an error is.
 */
export function problemsWith(response: ResponseFacts, sent: string, secrets: readonly string[]): string[] {
  const problems: string[] = [];
  const { status, headers, text } = response;
  if (status >= 500) problems.push(`answered ${status}`);
  if (!headers.get("x-request-id")) problems.push("no X-Request-Id header");
  if (status >= 400) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!(headers.get("content-type") ?? "").startsWith("application/json") || !isErrorShape(body))
      problems.push(`a ${status} without the error shape: ${text.slice(0, 120)}`);
    for (const match of text.matchAll(TOKEN_SHAPE)) {
      if (!sent.includes(match[0]))
        problems.push(`a token-looking value the request did not send: ${match[0].slice(0, 12)}…`);
    }
  }
  for (const sign of STACK_SIGNS) if (sign.test(text)) problems.push(`a stack trace or source path (${sign})`);
  for (const secret of secrets) if (text.includes(secret)) problems.push("a secret from the bindings in the body");
  return problems;
}
