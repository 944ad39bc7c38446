// The demo origin's HTML: the identity the gateway asserted, or why the assertion was refused.
import { ASSERTION_ERROR_MESSAGES, type AssertionError, type OriginIdentity } from "@portcullis/origin";

export type DemoLinks = {
  /** Path of the route that asks for a second factor. */
  securePath: string;
};

function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>
`;
}

function isoSeconds(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString();
}

/** The page a verified request gets: who is calling, as the assertion says. */
export function renderIdentityPage(identity: OriginIdentity, links: DemoLinks): string {
  const rows: Array<[string, string]> = [
    ["User id", identity.userId],
    ["Email", identity.email],
    ["Email verified", identity.emailVerified ? "yes" : "no"],
    ["Authentication methods (amr)", identity.amr.join(", ") || "(none)"],
    ["Roles", identity.roles.join(", ") || "(none)"],
    ["Tenant", identity.tenant ?? "(none)"],
    ["Gateway route", identity.route],
    ["Auth source", identity.authSource],
    ["Session id", identity.sessionId],
    ["Assertion id", identity.assertionId],
    ["Assertion issued", isoSeconds(identity.issuedAt)],
    ["Assertion expires", isoSeconds(identity.expiresAt)],
  ];
  const list = rows.map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd>`).join("\n");
  return layout(
    "Portcullis demo app",
    `<p id="assertion-status"><strong>Assertion verified</strong> with the gateway's published keys.</p>
<h2>Who the gateway says you are</h2>
<dl id="identity">
${list}
</dl>
<h2>Try</h2>
<ul>
<li><a href="/auth/account">Your account</a> (password, authenticator app, passkeys, sessions)</li>
<li><a href="${escapeHtml(links.securePath)}">A page that needs a second factor</a></li>
</ul>
<form method="post" action="/auth/sign-out"><button type="submit">Sign out</button></form>`,
  );
}

/** The page a refused request gets: the verifier's reason, never the token. */
export function renderRefusedPage(error: AssertionError): string {
  return layout(
    "Portcullis demo app",
    `<p id="assertion-status"><strong>Assertion not verified.</strong> ${escapeHtml(ASSERTION_ERROR_MESSAGES[error])} Reason: <code>${escapeHtml(error)}</code></p>
<p>This app trusts a request only when the gateway's signed assertion verifies. Open it through the gateway.</p>`,
  );
}
