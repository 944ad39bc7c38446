// Message templates, plain text and HTML, for codes and links. Every value is escaped in HTML.

export type RenderedMessage = { template: string; subject: string; text: string; html: string };

/** Escapes a value for HTML text and attribute values. */
export const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[char] ?? char,
  );

/** The HTML shell every mail shares: a heading and paragraphs (already escaped). */
export function layout(title: string, paragraphs: string[]): string {
  const body = paragraphs.map((p) => `<p>${p}</p>`).join("\n");
  return `<!doctype html><html><body style="font-family:sans-serif"><h1>${escapeHtml(title)}</h1>\n${body}\n</body></html>`;
}

export function emailVerificationMessage(input: { code: string; link: string; minutes: number }): RenderedMessage {
  const subject = "Verify your email address";
  return {
    template: "email_verification",
    subject,
    text: `Your verification code is ${input.code}.\n\nOr open this link: ${input.link}\n\nIt expires in ${input.minutes} minutes. If you did not ask for it, ignore this message.\n`,
    html: layout(subject, [
      `Your verification code is <strong>${escapeHtml(input.code)}</strong>.`,
      `Or <a href="${escapeHtml(input.link)}">verify your address</a>.`,
      `It expires in ${input.minutes} minutes. If you did not ask for it, ignore this message.`,
    ]),
  };
}

/** To the owner of an address someone tried to sign up with: no code, no link, nothing to act on. */
export function signupAttemptNoticeMessage(): RenderedMessage {
  const subject = "Someone tried to sign up with your address";
  const advice =
    "Someone tried to create an account with this email address, which already has one. If it was you, sign in, or reset your password if you forgot it. If it was not you, you can ignore this message; nothing was changed.";
  return {
    template: "signup_attempt_notice",
    subject,
    text: `${advice}\n`,
    html: layout(subject, [escapeHtml(advice)]),
  };
}

export function passwordResetMessage(input: { link: string; minutes: number }): RenderedMessage {
  const subject = "Reset your password";
  return {
    template: "password_reset",
    subject,
    text: `Open this link to choose a new password: ${input.link}\n\nIt expires in ${input.minutes} minutes and works once. If you did not ask for it, ignore this message; your password is unchanged.\n`,
    html: layout(subject, [
      `<a href="${escapeHtml(input.link)}">Choose a new password</a>.`,
      `It expires in ${input.minutes} minutes and works once. If you did not ask for it, ignore this message; your password is unchanged.`,
    ]),
  };
}

export function emailChangeCodeMessage(input: { code: string; minutes: number }): RenderedMessage {
  const subject = "Confirm your new email address";
  return {
    template: "email_change_code",
    subject,
    text: `Your code is ${input.code}: enter it to confirm this new address.\n\nIt expires in ${input.minutes} minutes. If you did not ask for it, ignore this message.\n`,
    html: layout(subject, [
      `Your code is <strong>${escapeHtml(input.code)}</strong>: enter it to confirm this new address.`,
      `It expires in ${input.minutes} minutes. If you did not ask for it, ignore this message.`,
    ]),
  };
}

export function emailChangedNoticeMessage(input: { newEmail: string }): RenderedMessage {
  const subject = "Your email address was changed";
  return {
    template: "email_change_notice",
    subject,
    text: `The email address of your account was changed to ${input.newEmail}.\n\nIf this was not you, reset your password at once and contact support.\n`,
    html: layout(subject, [
      `The email address of your account was changed to <strong>${escapeHtml(input.newEmail)}</strong>.`,
      "If this was not you, reset your password at once and contact support.",
    ]),
  };
}

export function newSignInNoticeMessage(input: { userAgent: string; at: Date }): RenderedMessage {
  const subject = "New sign-in to your account";
  const when = input.at.toISOString();
  return {
    template: "new_sign_in_notice",
    subject,
    text: `Your account was signed in from a new device (${input.userAgent}) at ${when}.\n\nIf this was not you, reset your password and end your other sessions.\n`,
    html: layout(subject, [
      `Your account was signed in from a new device (${escapeHtml(input.userAgent)}) at ${escapeHtml(when)}.`,
      "If this was not you, reset your password and end your other sessions.",
    ]),
  };
}

/** SMS: plain text only, short. */
export function phoneCodeMessage(input: { code: string; minutes: number }) {
  return {
    template: "phone_verification",
    subject: null,
    text: `Your verification code is ${input.code}. It expires in ${input.minutes} minutes.`,
    html: null,
  };
}

/** To the account owner: a sign-in method from another provider was linked to or removed from the account. */
export function identityChangeNoticeMessage(input: {
  change: "linked" | "unlinked";
  provider: string;
  at: Date;
}): RenderedMessage {
  const linked = input.change === "linked";
  const subject = linked
    ? "A sign-in method was added to your account"
    : "A sign-in method was removed from your account";
  const what = linked
    ? `Your ${input.provider} account can now be used to sign in to your account (${input.at.toISOString()}).`
    : `Your ${input.provider} account can no longer be used to sign in to your account (${input.at.toISOString()}).`;
  const advice = "If this was not you, reset your password and review the sign-in methods on your account page.";
  return {
    template: linked ? "identity_linked_notice" : "identity_unlinked_notice",
    subject,
    text: `${what}\n\n${advice}\n`,
    html: layout(subject, [escapeHtml(what), escapeHtml(advice)]),
  };
}

/** To an invited address: who invites it where, with which roles, and the link (single use). */
export function invitationMessage(input: {
  tenantName: string;
  inviter: string | null;
  roles: string[];
  link: string;
  hours: number;
}): RenderedMessage {
  const subject = `You are invited to join ${input.tenantName}`;
  const who = input.inviter ? `${input.inviter} invited you` : "You are invited";
  const what = `${who} to join ${input.tenantName} as ${input.roles.join(", ")}.`;
  const within =
    input.hours >= 48 ? `${Math.floor(input.hours / 24)} days` : `${Math.max(1, Math.floor(input.hours))} hours`;
  const expiry = `The link works once and expires in ${within}. If you do not know why you got this, ignore it or decline.`;
  return {
    template: "invitation",
    subject,
    text: `${what}\n\nOpen this link to accept or decline: ${input.link}\n\n${expiry}\n`,
    html: layout(subject, [
      escapeHtml(what),
      `<a href="${escapeHtml(input.link)}">Accept or decline the invitation</a>.`,
      escapeHtml(expiry),
    ]),
  };
}

/** After a soft delete: when the data goes, and that a password reset before then cancels it. */
/** The deletion notice; `resetLink` (the way to cancel) only for a deletion the user made themselves. */
export function accountDeletionMessage(input: { scrubOn: Date; resetLink: string | null }): RenderedMessage {
  const subject = "Your account will be deleted";
  const date = input.scrubOn.toISOString().slice(0, 10);
  const when = `Your account was deleted and can no longer be used. Its personal data will be erased on ${date} (UTC).`;
  if (input.resetLink === null) {
    const contact = "An administrator deleted it. If you think this is a mistake, contact them.";
    return {
      template: "account_deletion",
      subject,
      text: `${when}\n\n${contact}\n`,
      html: layout(subject, [escapeHtml(when), escapeHtml(contact)]),
    };
  }
  const cancel = "Changed your mind? Reset your password before then to cancel the deletion and keep your account.";
  return {
    template: "account_deletion",
    subject,
    text: `${when}\n\n${cancel}\n${input.resetLink}\n\nIf you did not ask for this, reset your password now.\n`,
    html: layout(subject, [
      escapeHtml(when),
      `${escapeHtml(cancel)} <a href="${escapeHtml(input.resetLink)}">Reset your password</a>.`,
      "If you did not ask for this, reset your password now.",
    ]),
  };
}
