// issue 15: the delivery log's English messages (the `delivery` part of the catalog in en.ts).
export const deliveryEn = {
  account: {
    undeliverableHeading: "Mail to this address is not arriving",
    undeliverable: {
      bounce: "Our mail to this address bounced, so we stopped sending mail to it.",
      complaint: "Mail to this address was reported as unwanted, so we stopped sending mail to it.",
    } as Record<string, string>,
    undeliverableFallback: "We stopped sending mail to this address.",
    undeliverableOffer: "Verify the address again once it receives mail, or change it.",
    verifyAgain: "Send a new verification code",
  },
  admin: {
    heading: "Delivery log",
    none: "Nothing sent yet.",
    undeliverable: (reason: string, at: string) => `Email marked undeliverable (${reason}) on ${at}.`,
    columns: { time: "Time", channel: "Channel", template: "Template", status: "Status", reason: "Reason" },
    attempts: (count: number) => (count === 1 ? "1 attempt" : `${count} attempts`),
  },
};
