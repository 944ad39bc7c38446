// The hosted pages' one script: passkey ceremonies (everything else works without JavaScript). Built
// at install time by scripts/build-client.ts into src/ui/assets/generated/, served with a content hash.
// Each page marks what it offers with data-passkey-* hooks; this file finds them and wires them up.
import { browserSupportsWebAuthn } from "@simplewebauthn/browser";

function reveal(): void {
  if (!browserSupportsWebAuthn()) return;
  for (const element of document.querySelectorAll<HTMLElement>("[data-passkey-sign-in]")) element.hidden = false;
}

reveal();
