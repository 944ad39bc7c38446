// The page the verification link opens: a confirmation with a POST form (a GET never consumes the
// token, because mail scanners follow links), and the page the form's POST answers with.
import { escapeHtml } from "../../delivery/templates.ts";

/** No scripts, no framing, no referrer (the token is in the URL), forms only to ourselves. */
export const PAGE_HEADERS = {
  "Content-Security-Policy":
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  "X-Content-Type-Options": "nosniff",
  "Cache-Control": "no-store",
} as const;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title></head><body style="font-family:sans-serif;max-width:32rem;margin:3rem auto"><h1>${escapeHtml(title)}</h1>\n${body}\n</body></html>`;
}

/** GET with a live token: one button that POSTs it back to the same place. */
export function confirmVerificationPage(token: string): string {
  return page(
    "Verify your email address",
    `<p>Press the button to confirm that this address is yours.</p>
<form method="post" action="/auth/email/verify"><input type="hidden" name="token" value="${escapeHtml(token)}"><button type="submit">Verify my address</button></form>`,
  );
}

export function verifiedPage(): string {
  return page("Your address is verified", "<p>You can sign in now.</p>");
}

export function expiredLinkPage(): string {
  return page(
    "This link has expired or was already used",
    "<p>If your address is not verified yet, ask for a new code and link from the sign-in page.</p>",
  );
}
