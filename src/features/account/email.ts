// Email address normalization: the one form an address is stored, looked up and compared in.

/**
 * NFKC (so full-width and compatibility characters collapse to one form), trimmed, lowercased.
 * Every write and every lookup of `users.email` goes through this, which keeps the unique index honest.
 */
export function normalizeEmail(email: string): string {
  return email.normalize("NFKC").trim().toLowerCase();
}
