// Field rules shared by the account's JSON routes and its hosted pages.
import { z } from "zod";

// No control characters: they have no place in a display name, and NUL is refused by Postgres.
export const DisplayName = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[^\p{Cc}]*$/u, "must not contain control characters");
