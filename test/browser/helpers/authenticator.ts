// Chrome's virtual WebAuthn authenticator over CDP: a platform passkey provider that always verifies the user.
import type { BrowserContext, CDPSession, Page } from "playwright-core";

export type VirtualCredential = {
  credentialId: string;
  isResidentCredential: boolean;
  rpId?: string;
  userHandle?: string;
  signCount: number;
};

export type VirtualAuthenticator = {
  authenticatorId: string;
  session: CDPSession;
  /** The passkeys it holds. */
  credentials: () => Promise<VirtualCredential[]>;
  /** Whether the next ceremonies find the user present and verified (false: the user cancels). */
  setUserVerified: (verified: boolean) => Promise<void>;
  remove: () => Promise<void>;
};

/** Attaches a CTAP2 internal authenticator with resident keys and user verification to `page`. */
export async function addVirtualAuthenticator(context: BrowserContext, page: Page): Promise<VirtualAuthenticator> {
  const session = await context.newCDPSession(page);
  await session.send("WebAuthn.enable", { enableUI: false });
  const { authenticatorId } = await session.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return {
    authenticatorId,
    session,
    credentials: async () => (await session.send("WebAuthn.getCredentials", { authenticatorId })).credentials,
    setUserVerified: async (verified) => {
      await session.send("WebAuthn.setUserVerified", { authenticatorId, isUserVerified: verified });
    },
    remove: async () => {
      await session.send("WebAuthn.removeVirtualAuthenticator", { authenticatorId });
      await session.detach();
    },
  };
}
