// Passkeys on the security page: registration options (JSON for the passkey script), registration,
// rename and remove — the same services and step-up as /auth/passkeys/*.
import type { RegistrationResponseJSON } from "@simplewebauthn/server";
import { Hono } from "hono";
import { z } from "zod";
import { PasskeyCredential, PasskeyName } from "../../features/passkeys/schemas.ts";
import { registerPasskey, registrationOptions, removePasskey, renamePasskey } from "../../features/passkeys/service.ts";
import type { AppEnv } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { clientInfo } from "../../http/auth-context.ts";
import { readJsonBody } from "../../http/body.ts";
import { readForm } from "../form-body.ts";
import { pageSession } from "../page-session.ts";
import { pagePasskeyOptionsDocs as docs, RegistrationOptionsBody } from "../passkey-options-docs.ts";
import { PAGE_PASSKEY_OPTIONS } from "../passkey-options-paths.ts";
import { beginOptionsRoute, optionsResponse } from "../passkey-pages.ts";
import { seeOther } from "../render.tsx";
import { postSession, SECURITY_PATH, stepUpError } from "./guard.ts";
import { renameFieldId } from "./passkeys-section.tsx";
import { securityDependencies, showSecurity } from "./show.tsx";

const PasskeyId = z.uuid();

/** The form's `passkey_response`: JSON of the browser's credential, checked like the API's body. */
function credentialOf(value: string | undefined): RegistrationResponseJSON | null {
  if (!value) return null;
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return null;
  }
  const parsed = PasskeyCredential.safeParse(json);
  return parsed.success ? (parsed.data as unknown as RegistrationResponseJSON) : null;
}

export const passkeyPageRoutes = new Hono<AppEnv>()
  // JSON in, JSON out (errors too: the script reads them, no one sees an error page here).
  .post(PAGE_PASSKEY_OPTIONS.registration, docs.registration, async (c) => {
    beginOptionsRoute(c);
    await readJsonBody(c, RegistrationOptionsBody);
    const session = await pageSession(c);
    if (!session) throw new AppError("unauthenticated");
    const stepUp = await stepUpError(c, session, "recent+second_factor");
    if (stepUp) throw new AppError(stepUp);
    const result = await registrationOptions(
      await securityDependencies(c),
      { id: session.userId, email: session.email },
      await clientInfo(c),
    );
    return optionsResponse(c, result);
  })
  .post(`${SECURITY_PATH}/passkeys`, async (c) => {
    const fields = await readForm(c);
    const checked = await postSession(c, "recent+second_factor");
    if ("redirect" in checked) return checked.redirect;
    const { session } = checked;
    const values = { name: fields.name ?? "" };
    const name = PasskeyName.safeParse(fields.name?.trim() ? fields.name : "Passkey");
    if (!name.success) {
      return showSecurity(c, session, {
        state: ({ t }) => ({ values, errors: { name: t.accountSecurity.passkeyNameInvalid } }),
        status: 400,
      });
    }
    const response = credentialOf(fields.passkey_response);
    const result = response
      ? await registerPasskey(await securityDependencies(c), {
          userId: session.userId,
          response,
          name: name.data,
          client: await clientInfo(c),
        })
      : null;
    if (!result) {
      return showSecurity(c, session, {
        state: ({ t }) => ({ values, formError: t.accountSecurity.passkeyRejected }),
        status: 400,
      });
    }
    return seeOther(c, `${SECURITY_PATH}?done=passkey_added`);
  })
  .post(`${SECURITY_PATH}/passkeys/:id/rename`, async (c) => {
    const fields = await readForm(c);
    const checked = await postSession(c, null);
    if ("redirect" in checked) return checked.redirect;
    const { session } = checked;
    const id = PasskeyId.safeParse(c.req.param("id"));
    const notFound = () =>
      showSecurity(c, session, { state: ({ t }) => ({ formError: t.accountSecurity.passkeyNotFound }), status: 404 });
    if (!id.success) return notFound();
    const name = PasskeyName.safeParse(fields.name ?? "");
    if (!name.success) {
      return showSecurity(c, session, {
        state: ({ t }) => ({ errors: { [renameFieldId(id.data)]: t.accountSecurity.passkeyNameInvalid } }),
        status: 400,
      });
    }
    const deps = await securityDependencies(c);
    if (!(await renamePasskey(deps, session.userId, id.data, name.data))) return notFound();
    return seeOther(c, `${SECURITY_PATH}?done=passkey_renamed`);
  })
  .post(`${SECURITY_PATH}/passkeys/:id/remove`, async (c) => {
    await readForm(c);
    const checked = await postSession(c, "recent+second_factor");
    if ("redirect" in checked) return checked.redirect;
    const { session } = checked;
    const id = PasskeyId.safeParse(c.req.param("id"));
    const outcome = id.success
      ? await removePasskey(await securityDependencies(c), session.userId, id.data, await clientInfo(c))
      : "not_found";
    if (outcome === "not_found") {
      return showSecurity(c, session, {
        state: ({ t }) => ({ formError: t.accountSecurity.passkeyNotFound }),
        status: 404,
      });
    }
    if (outcome === "last_method") {
      return showSecurity(c, session, {
        state: ({ t }) => ({ formError: t.accountSecurity.lastSignInMethod }),
        status: 409,
      });
    }
    return seeOther(c, `${SECURITY_PATH}?done=passkey_removed`);
  });
