// A user's display name: the one rule signup and the account page share.
import { z } from "zod";

export const DISPLAY_NAME_MAX_LENGTH = 200;

// No control characters: they have no place in a display name, and NUL is refused by Postgres.
export const displayName = z
  .string()
  .trim()
  .min(1)
  .max(DISPLAY_NAME_MAX_LENGTH)
  .regex(/^[^\p{Cc}]*$/u, "must not contain control characters");
