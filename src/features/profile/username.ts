// Usernames: one public handle per user, normalized (NFKC, lower case) to 3–32 of [a-z0-9_.-], minus
// the names the service, its pages or a deployment use for themselves.

export const USERNAME_MIN_LENGTH = 3;
export const USERNAME_MAX_LENGTH = 32;

/**
 * Handles nobody may take: they would pass for the operator, the gateway's own paths or a role.
 * Compared after normalization and with separators removed, so "ad.min" and "ad_min" are refused too.
 */
export const RESERVED_USERNAMES: ReadonlySet<string> = new Set([
  "abuse",
  "admin",
  "administrator",
  "anonymous",
  "api",
  "auth",
  "billing",
  "everyone",
  "help",
  "hostmaster",
  "info",
  "mail",
  "me",
  "moderator",
  "noreply",
  "null",
  "official",
  "operator",
  "owner",
  "portcullis",
  "postmaster",
  "root",
  "security",
  "staff",
  "superuser",
  "support",
  "system",
  "undefined",
  "webmaster",
  "wellknown",
  "www",
]);

// Starts and ends with a letter or digit, so "..", "-x" or "x." never look like paths or flags.
const USERNAME_PATTERN = /^[a-z0-9](?:[a-z0-9_.-]*[a-z0-9])?$/;

/** The stored form of `raw`: NFKC, trimmed, lower case. Not yet checked; see `usernameProblem`. */
export function normalizeUsername(raw: string): string {
  return raw.normalize("NFKC").trim().toLowerCase();
}

export type UsernameProblem = "length" | "characters" | "reserved";

/** Why a normalized username cannot be taken, or null when it can. */
export function usernameProblem(username: string): UsernameProblem | null {
  if (username.length < USERNAME_MIN_LENGTH || username.length > USERNAME_MAX_LENGTH) return "length";
  if (!USERNAME_PATTERN.test(username) || /[_.-]{2}/.test(username)) return "characters";
  if (RESERVED_USERNAMES.has(username.replace(/[_.-]/g, ""))) return "reserved";
  return null;
}

export const USERNAME_PROBLEM_MESSAGES: Record<UsernameProblem, string> = {
  length: `must be ${USERNAME_MIN_LENGTH} to ${USERNAME_MAX_LENGTH} characters`,
  characters: "may hold only a-z, 0-9, _ . - (not two in a row), starting and ending with a letter or digit",
  reserved: "is reserved",
};
