// Errors on page routes (CSRF refusals, oversize bodies, failures) as pages, not JSON.
import type { Context } from "hono";
import { MFA_ENROLLMENT_PAGE, mfaEnrollmentLocation } from "../features/session/enrollment.ts";
import type { AppEnv } from "../http/app-env.ts";
import type { AppError } from "../http/app-error.ts";
import { renderPage } from "./render.tsx";

/** A GET comes back to itself after enrolling; a form POST (no page of its own) goes to the setup only. */
function redirectToEnrollment(c: Context<AppEnv>): Response {
  if (c.req.method !== "GET" && c.req.method !== "HEAD") return c.redirect(MFA_ENROLLMENT_PAGE, 303);
  const url = new URL(c.req.url);
  return c.redirect(mfaEnrollmentLocation(url.pathname + url.search), 302);
}

export async function renderErrorPage(c: Context<AppEnv>, error: AppError): Promise<Response> {
  // Not a failure to show: the session must set up its authenticator first (page-session.ts).
  if (error.code === "mfa_enrollment_required") return redirectToEnrollment(c);
  return renderPage(c, { title: ({ t }) => t.errorPage.title, status: error.status as 400 }, ({ t }) => {
    const message =
      error.code === "csrf_rejected"
        ? t.errorPage.csrf
        : error.code === "payload_too_large"
          ? t.errorPage.tooLarge
          : error.code === "not_found"
            ? t.errorPage.notFound
            : error.code === "service_unavailable"
              ? t.errorPage.unavailable
              : t.errorPage.generic;
    return (
      <div class="card">
        <h1>{t.errorPage.title}</h1>
        <p data-error-code={error.code}>{message}</p>
        {error.status >= 500 ? <p class="muted">{t.errorPage.reference(c.var.requestId)}</p> : null}
        <p>
          <a href="/auth/sign-in">{t.errorPage.home}</a>
        </p>
      </div>
    );
  });
}
