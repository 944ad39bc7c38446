// /auth/account/phone: a number from the overview, then the SMS code — the same services as
// POST /auth/phone/verify/request and POST /auth/phone/verify.
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { confirmPhone, requestPhoneVerification } from "../../features/verification/contact.ts";
import { EMAIL_CODE_TTL_SECONDS } from "../../features/verification/service.ts";
import type { AppEnv } from "../../http/app-env.ts";
import { clientInfo } from "../../http/auth-context.ts";
import { Field, type FormState } from "../components/form.tsx";
import { readForm } from "../form-body.ts";
import { type PageOptions, renderPage, seeOther } from "../render.tsx";
import type { View } from "../view.ts";
import { accountSession, CodeField, contactDependencies, doneLocation } from "./context.ts";
import { showOverview } from "./show-overview.tsx";
import { StepPage } from "./step-page.tsx";

const VERIFY_PATH = "/auth/account/phone/verify";

// The API's E.164 rule; the spaces, dashes and brackets people type between digits are dropped first.
const PhoneField = z
  .string()
  .transform((value) => value.replace(/[\s().-]+/g, ""))
  .pipe(z.string().regex(/^\+[1-9]\d{6,14}$/));

function showCodeForm(c: Context<AppEnv>, state: (view: View) => FormState, status: PageOptions["status"] = 200) {
  return renderPage(c, { title: ({ t }) => t.account.phone.verifyTitle, status }, (view) => (
    <StepPage
      view={view}
      heading={view.t.account.phone.verifyTitle}
      intro={view.t.account.phone.verifyIntro(EMAIL_CODE_TTL_SECONDS / 60)}
      action={VERIFY_PATH}
      state={state(view)}
      submit={view.t.account.phone.verify}
      extra={{ href: "/auth/account#phone-number", label: view.t.account.phone.startAgain }}
    >
      <Field
        name="code"
        label={view.t.account.phone.code}
        autocomplete="one-time-code"
        inputmode="numeric"
        state={state(view)}
        maxlength={12}
        secret
      />
    </StepPage>
  ));
}

export const accountPhoneRoutes = new Hono<AppEnv>()
  .post("/auth/account/phone", async (c) => {
    const fields = await readForm(c);
    const auth = await accountSession(c);
    if ("redirect" in auth) return auth.redirect;
    const values = { phone: fields.phone ?? "" };
    const fail = (status: PageOptions["status"], state: (view: View) => FormState) =>
      showOverview(c, auth.session, { failure: { status, failed: (view) => ({ form: "phone", state: state(view) }) } });
    const phone = PhoneField.safeParse(values.phone);
    if (!phone.success) {
      return fail(400, ({ t }) => ({
        values,
        errors: { phone: values.phone ? t.account.phone.invalidPhone : t.common.required(t.account.phone.number) },
      }));
    }
    const result = await requestPhoneVerification(await contactDependencies(c), {
      userId: auth.session.userId,
      phone: phone.data,
      limitHash: (await clientInfo(c)).limitHash,
    });
    if (result.kind === "throttled") {
      c.header("Retry-After", String(result.retryAfterSeconds));
      return fail(429, ({ t }) => ({ values, formError: t.common.tooManyAttempts(result.retryAfterSeconds) }));
    }
    if (result.kind === "delivery_failed")
      return fail(503, ({ t }) => ({ values, formError: t.account.phone.deliveryFailed }));
    return seeOther(c, VERIFY_PATH);
  })
  .get(VERIFY_PATH, async (c) => {
    const auth = await accountSession(c);
    if ("redirect" in auth) return auth.redirect;
    return showCodeForm(c, () => ({}));
  })
  .post(VERIFY_PATH, async (c) => {
    const fields = await readForm(c);
    const auth = await accountSession(c);
    if ("redirect" in auth) return auth.redirect;
    const code = CodeField.safeParse(fields.code ?? "");
    if (!code.success) {
      const error = ({ t }: View) => (fields.code ? t.account.phone.invalidCode : t.common.required(t.common.code));
      return showCodeForm(c, (view) => ({ errors: { code: error(view) } }), 400);
    }
    const result = await confirmPhone(await contactDependencies(c), {
      userId: auth.session.userId,
      code: code.data,
      client: await clientInfo(c),
    });
    switch (result.kind) {
      case "verified":
        return seeOther(c, doneLocation("phone"));
      case "invalid":
        return showCodeForm(c, ({ t }) => ({ errors: { code: t.account.phone.invalidCode } }), 400);
      case "in_use":
        return showCodeForm(c, ({ t }) => ({ formError: t.account.phone.inUse }), 409);
      case "throttled":
        c.header("Retry-After", String(result.retryAfterSeconds));
        return showCodeForm(c, ({ t }) => ({ formError: t.common.tooManyAttempts(result.retryAfterSeconds) }), 429);
    }
  });
