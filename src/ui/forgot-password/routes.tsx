// GET and POST /auth/forgot-password: the form, then the same requestPasswordReset service as POST
// /auth/password/forgot, and one answer for every address.
import { Hono } from "hono";
import { z } from "zod";
import { normalizeEmail } from "../../features/account/email.ts";
import { requestPasswordReset } from "../../features/verification/reset.ts";
import type { AppEnv } from "../../http/app-env.ts";
import { authDependencies, clientInfo } from "../../http/auth-context.ts";
import { readForm } from "../form-body.ts";
import { returnToOf } from "../page-session.ts";
import { renderPage, seeOther } from "../render.tsx";
import { ForgotPasswordPage, ResetRequestedPage } from "./page.tsx";

const Email = z.string().max(320).transform(normalizeEmail).pipe(z.email().max(254));

export const forgotPasswordRoutes = new Hono<AppEnv>()
  .get("/auth/forgot-password", (c) => {
    const returnTo = returnToOf(c.req.query("return_to"));
    if (c.req.query("sent") === "1") {
      return renderPage(c, { title: ({ t }) => t.forgotPassword.sentTitle }, (view) => (
        <ResetRequestedPage view={view} returnTo={returnTo} />
      ));
    }
    return renderPage(c, { title: ({ t }) => t.forgotPassword.title }, (view) => (
      <ForgotPasswordPage view={view} state={{}} returnTo={returnTo} />
    ));
  })
  .post("/auth/forgot-password", async (c) => {
    const fields = await readForm(c);
    const returnTo = returnToOf(fields.return_to);
    const parsed = Email.safeParse(fields.email ?? "");
    if (!parsed.success) {
      return renderPage(c, { title: ({ t }) => t.forgotPassword.title, status: 400 }, (view) => {
        const { t } = view;
        const error = fields.email ? t.common.invalidEmail : t.common.required(t.common.email);
        const state = { values: { email: fields.email ?? "" }, errors: { email: error } };
        return <ForgotPasswordPage view={view} state={state} returnTo={returnTo} />;
      });
    }
    const config = c.var.config;
    const deps = { ...(await authDependencies(c)), mail: config.mail, appUrl: config.appUrl, policy: config };
    // After the response, so the answer and its timing are the same for every address (the service
    // counts the send limits before it looks the address up).
    const client = await clientInfo(c);
    c.var.defer(() => requestPasswordReset(deps, parsed.data, client, returnTo));
    const query = new URLSearchParams({ sent: "1" });
    if (returnTo !== "/") query.set("return_to", returnTo);
    return seeOther(c, `/auth/forgot-password?${query}`);
  });
