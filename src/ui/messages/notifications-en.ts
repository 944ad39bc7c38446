// issue 15: the inbox's English messages (the `notifications` part of the catalog in en.ts).
export const notificationsEn = {
  heading: "Notifications",
  none: "No notifications.",
  unread: (count: number) => (count === 1 ? "1 unread" : `${count} unread`),
  unreadMark: "Unread",
  markRead: "Mark as read",
  markAllRead: "Mark all as read",
  /** One line per type, from the notification's display facts (never a secret). */
  titles: {
    new_device_sign_in: (data: Record<string, unknown>) => `New sign-in from ${String(data.device ?? "a new device")}`,
    password_changed: (data: Record<string, unknown>) =>
      data.via === "reset" ? "Your password was reset" : "Your password was changed",
    email_changed: () => "Your email address was changed",
    second_factor_added: () => "Two-step sign-in was turned on",
    second_factor_removed: () => "Two-step sign-in was turned off",
    passkey_added: (data: Record<string, unknown>) =>
      typeof data.name === "string" && data.name !== "" ? `Passkey "${data.name}" was added` : "A passkey was added",
    identity_linked: (data: Record<string, unknown>) =>
      `Sign-in with ${String(data.provider ?? "a provider")} was linked`,
    invitation_received: (data: Record<string, unknown>) =>
      `You are invited to join ${String(data.tenantName ?? "a team")}`,
    account_deletion_scheduled: (data: Record<string, unknown>) =>
      `Your account is scheduled for deletion on ${String(data.scrubOn ?? "")}`,
  },
  /** The account page's channel choices: per type, in the inbox and by mail. */
  channels: {
    heading: "How we tell you",
    hint: "Choose, for each kind of event, whether it appears in your notifications and whether we email you.",
    kind: "Event",
    inApp: "In notifications",
    email: "By email",
    alwaysMailed: "Always emailed: this is a security notice.",
    submit: "Save notification choices",
    done: "Your notification choices were saved.",
    kinds: {
      new_device_sign_in: "Sign-in from a new device",
      password_changed: "Password changed or reset",
      email_changed: "Email address changed",
      second_factor_added: "Two-step sign-in turned on",
      second_factor_removed: "Two-step sign-in turned off",
      passkey_added: "Passkey added",
      identity_linked: "Sign-in provider linked",
      invitation_received: "Invitation to a team",
      account_deletion_scheduled: "Account deletion scheduled",
    },
  },
};
