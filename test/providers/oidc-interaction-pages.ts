// HTML login and consent pages for the local oidc-provider, so that a real browser can sign in there:
// the login form takes an email and a name (the same email is always the same subject), the consent
// form allows or denies what the client asked for.
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

export type AccountClaims = Record<string, unknown> & { sub: string };

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · Test OP</title></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

/** The login form for interaction `uid`, with an error when the last one was refused. */
export function loginPage(uid: string, error?: string): string {
  return page(
    "Sign in to Test OP",
    `${error ? `<p role="alert">${escapeHtml(error)}</p>` : ""}<form method="post" action="/interaction/${escapeHtml(uid)}">
<p><label for="email">Email</label> <input id="email" name="email" type="email" required></p>
<p><label for="name">Name</label> <input id="name" name="name" type="text"></p>
<p><button type="submit">Sign in</button></p></form>`,
  );
}

/** The consent form: the client and its scopes, Allow or Deny. */
export function consentPage(uid: string, clientId: string, scope: string): string {
  return page(
    "Allow access?",
    `<p>${escapeHtml(clientId)} asks for: ${escapeHtml(scope)}</p><form method="post" action="/interaction/${escapeHtml(uid)}">
<button type="submit" name="decision" value="allow">Allow</button> <button type="submit" name="decision" value="deny">Deny</button></form>`,
  );
}

/** The account the login form describes (a verified address), or undefined without an email. */
export function accountFromLoginForm(form: URLSearchParams): AccountClaims | undefined {
  const email = form.get("email")?.trim().toLowerCase();
  if (!email || email.length > 254) return undefined;
  const sub = `html-${createHash("sha256").update(email).digest("hex").slice(0, 24)}`;
  return { sub, email, email_verified: true, name: form.get("name")?.slice(0, 100) || undefined };
}

export const isFormPost = (request: IncomingMessage) =>
  /^application\/x-www-form-urlencoded/i.test(request.headers["content-type"] ?? "");

export const wantsHtml = (request: IncomingMessage) => /text\/html/i.test(request.headers.accept ?? "");

export function sendHtml(response: ServerResponse, status: number, html: string): void {
  response.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
  response.end(html);
}
