// Errors on page routes (CSRF refusals, oversize bodies, failures) as pages, not JSON.
import type { Context } from "hono";
import type { AppEnv } from "../http/app-env.ts";
import type { AppError } from "../http/app-error.ts";
import { renderPage } from "./render.tsx";

export async function renderErrorPage(c: Context<AppEnv>, error: AppError): Promise<Response> {
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
