// The invitation mail: the accept page's link with the token, sent through the outbox/delivery.

import type { Database } from "../../db/client.ts";
import { type MailSettings, sendEmail } from "../../delivery/mailer.ts";
import { invitationMessage } from "../../delivery/templates.ts";

/** Where an invitation's link points: the accept page, which shows it without consuming it. */
export const invitationLink = (appUrl: string, token: string) =>
  `${appUrl}/auth/invitations/accept?token=${encodeURIComponent(token)}`;

export async function sendInvitationMail(
  deps: { db: Database; mail: MailSettings; appUrl: string },
  input: {
    email: string;
    token: string;
    tenantName: string;
    inviter: string | null;
    roles: string[];
    ttlSeconds: number;
  },
): Promise<void> {
  const message = invitationMessage({
    tenantName: input.tenantName,
    inviter: input.inviter,
    roles: input.roles,
    link: invitationLink(deps.appUrl, input.token),
    hours: input.ttlSeconds / 3600,
  });
  await sendEmail(deps.db, deps.mail, input.email, message);
}
