// Field rules shared by the account's JSON routes and its hosted pages.
import { z } from "zod";

export const DISPLAY_NAME_MAX_LENGTH = 200;

// No control characters: they have no place in a display name, and NUL is refused by Postgres.
export const DisplayName = z
  .string()
  .trim()
  .min(1)
  .max(DISPLAY_NAME_MAX_LENGTH)
  .regex(/^[^\p{Cc}]*$/u, "must not contain control characters");
