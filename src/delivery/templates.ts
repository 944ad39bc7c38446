// Message templates, plain text and HTML, for codes and links. Every value is escaped in HTML.

export type RenderedMessage = { template: string; subject: string; text: string; html: string };

const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[char] ?? char,
  );

function layout(title: string, paragraphs: string[]): string {
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
