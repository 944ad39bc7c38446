// The hosted pages' passkey options routes (JSON for the passkey script), named once for the pages that
// link them, the routes that answer them and the script that calls them through the typed client. No
// imports: the browser script bundles this file.
export const PAGE_PASSKEY_OPTIONS = {
  signIn: "/auth/sign-in/passkey/options",
  twoFactor: "/auth/two-factor/passkey/options",
  reauthenticate: "/auth/reauthenticate/confirm/passkey/options",
  resetPassword: "/auth/reset-password/passkey-options",
  registration: "/auth/account/security/passkeys/options",
} as const;

export type PagePasskeyOptionsPath = (typeof PAGE_PASSKEY_OPTIONS)[keyof typeof PAGE_PASSKEY_OPTIONS];
