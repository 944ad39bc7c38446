// Rendering the security pages and the services' dependencies, shared by the page's route files.
import type { Context } from "hono";
import { z } from "zod";
import { listIdentitiesOfUser } from "../../features/identities/repository.ts";
import { findOAuthProvider } from "../../features/identities/social/index.ts";
import { mfaStatus } from "../../features/mfa/factors.ts";
import { findTotpCredential } from "../../features/mfa/repository.ts";
import type { MfaDeps } from "../../features/mfa/sign-in.ts";
import { listPasskeys } from "../../features/passkeys/service.ts";
import type { AppEnv, AuthenticatedSession } from "../../http/app-env.ts";
import { authDependencies } from "../../http/auth-context.ts";
import { passkeyScriptAsset } from "../assets/registry.ts";
import type { FormState } from "../components/form.tsx";
import { providerChoicesOf } from "../components/provider-links.tsx";
import { type PageOptions, renderPage } from "../render.tsx";
import type { View } from "../view.ts";
import { CodesPage } from "./codes-page.tsx";
import { EnrollPage, type EnrollPageProps } from "./enroll-page.tsx";
import { stepUpError } from "./guard.ts";
import { SecurityPage } from "./page.tsx";

/** The same dependencies the JSON MFA and passkey routes hand to their services. */
export async function securityDependencies(c: Context<AppEnv>): Promise<MfaDeps> {
  return { ...(await authDependencies(c)), accountSettings: c.var.config, webauthn: c.var.config.webauthn };
}

/** `?done=` after a Post/Redirect/Get: which confirmation to show (anything else shows none). */
export const DoneNotice = z.enum([
  "totp_disabled",
  "passkey_added",
  "passkey_renamed",
  "passkey_removed",
  "identity_unlinked",
]);
export type DoneNotice = z.infer<typeof DoneNotice>;

/** `?identity=` from the social callback (linking from this page) or the link page. */
export const IdentityOutcome = z.enum(["linked", "identity_in_use", "disabled", "denied", "session_ended"]);
export type IdentityOutcome = z.infer<typeof IdentityOutcome>;

type StateOf = FormState | ((view: View) => FormState);

/** The security page for `session`, with a form's state and a confirmation notice. */
export async function showSecurity(
  c: Context<AppEnv>,
  session: AuthenticatedSession,
  options: {
    state?: StateOf;
    status?: PageOptions["status"];
    done?: DoneNotice;
    identity?: IdentityOutcome;
    /** Where the authenticator-app setup ends (a forced enrollment's interrupted page); "/" for none. */
    returnTo?: string;
  } = {},
): Promise<Response> {
  const db = c.var.db();
  const [status, credential, passkeys, passkeyStepUp, identityRows] = await Promise.all([
    mfaStatus({ db }, session.userId),
    findTotpCredential(db, session.userId),
    listPasskeys({ db }, session.userId),
    stepUpError(c, session, "recent+second_factor"),
    listIdentitiesOfUser(db, session.userId),
  ]);
  const providers = c.var.config.oauthProviders;
  const identities = identityRows.map((row) => ({
    id: row.id,
    provider: findOAuthProvider(providers, row.providerId)?.displayName ?? row.providerId,
    email: row.email,
    linkedAt: row.linkedAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  }));
  const linked = new Set(identityRows.map((row) => row.providerId));
  const data = {
    totp: status.totp,
    pendingEnrollment: Boolean(credential && !credential.confirmedAt),
    recoveryCodesLeft: status.recoveryCodesLeft,
    passkeys,
    passkeyStepUp: passkeyStepUp !== null,
    identities,
    linkable: providerChoicesOf(c.var.config).filter((provider) => !linked.has(provider.id)),
  };
  const script = (await passkeyScriptAsset()).path;
  const { state = {}, done, identity } = options;
  return renderPage(
    c,
    { title: ({ t }) => t.accountSecurity.title, status: options.status, wide: true, scripts: [script] },
    (view) => (
      <SecurityPage
        view={view}
        data={data}
        state={typeof state === "function" ? state(view) : state}
        notice={done ? view.t.accountSecurity.done[done] : identity ? view.t.identities.outcomes[identity] : undefined}
        returnTo={options.returnTo ?? "/"}
      />
    ),
  );
}

/** The enrollment page (QR code, key, confirm form). */
export async function showEnrollment(
  c: Context<AppEnv>,
  enrollment: EnrollPageProps["enrollment"],
  state: StateOf = {},
  status: PageOptions["status"] = 200,
  returnTo = "/",
): Promise<Response> {
  const script = (await passkeyScriptAsset()).path;
  return renderPage(c, { title: ({ t }) => t.accountSecurity.enrollTitle, status, scripts: [script] }, (view) => (
    <EnrollPage
      view={view}
      enrollment={enrollment}
      state={typeof state === "function" ? state(view) : state}
      returnTo={returnTo}
    />
  ));
}

/** The recovery codes, this once (the response is no-store, like every page). */
export async function showCodes(
  c: Context<AppEnv>,
  codes: string[],
  justEnabled: boolean,
  returnTo = "/",
): Promise<Response> {
  const script = (await passkeyScriptAsset()).path;
  return renderPage(c, { title: ({ t }) => t.accountSecurity.codesTitle, scripts: [script] }, (view) => (
    <CodesPage view={view} codes={codes} justEnabled={justEnabled} returnTo={returnTo} />
  ));
}
