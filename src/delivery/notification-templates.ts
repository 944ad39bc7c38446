// Mail for the notification types that have no security notice of their own (issue 15): one template
// per type, named `notification_<type>`; display facts only, every value escaped in HTML.
import { escapeHtml, layout, type RenderedMessage } from "./templates.ts";

const ADVICE = "If this was not you, reset your password at once and review your account's security settings.";

type Facts = Record<string, unknown>;

function wording(kind: string, data: Facts): { subject: string; what: string } {
  switch (kind) {
    case "password_changed":
      return {
        subject: "Your password was changed",
        what:
          data.via === "reset"
            ? "The password of your account was reset with a link mailed to you."
            : "The password of your account was changed.",
      };
    case "second_factor_added":
      return {
        subject: "Two-step sign-in was turned on",
        what: "An authenticator app was added to your account as a second sign-in step.",
      };
    case "second_factor_removed":
      return {
        subject: "Two-step sign-in was turned off",
        what: "The authenticator app was removed from your account: signing in no longer asks for a code.",
      };
    case "passkey_added":
      return {
        subject: "A passkey was added to your account",
        what:
          typeof data.name === "string" && data.name !== ""
            ? `A passkey named "${data.name}" can now be used to sign in to your account.`
            : "A new passkey can now be used to sign in to your account.",
      };
    default:
      return { subject: "Something changed on your account", what: "A security setting of your account changed." };
  }
}

/** The mail for notification `kind` with its display facts, at `at`. */
export function notificationMessage(kind: string, data: Facts, at: Date): RenderedMessage {
  const { subject, what } = wording(kind, data);
  const when = `(${at.toISOString()})`;
  return {
    template: `notification_${kind}`,
    subject,
    text: `${what} ${when}\n\n${ADVICE}\n`,
    html: layout(subject, [`${escapeHtml(what)} ${escapeHtml(when)}`, escapeHtml(ADVICE)]),
  };
}
