// issue 15: the login history's English messages (the `history` part of the catalog in en.ts).
export const historyEn = {
  columns: {
    when: "When",
    result: "Result",
    method: "Method",
    device: "Device",
    ipHash: "IP hash",
    duration: "Session length",
  },
  methods: {
    oauth: (provider: string) => `Social sign-in (${provider})`,
    federated: (issuer: string) => `Token exchange (${issuer})`,
  },
  /** The session's length once it has ended; while it is live (or none began) nothing is shown. */
  duration: (minutes: number | null) => (minutes === null ? "—" : minutes === 1 ? "1 minute" : `${minutes} minutes`),
  noIpHash: "—",
  adminHeading: "Sign-in history",
  adminNone: "No sign-ins yet.",
};
