// The shapes of second-factor codes, shared by the JSON routes and the hosted pages.
import { z } from "zod";

export const TotpCode = z.string().regex(/^\d{6}$/, "must be 6 digits");
export const RecoveryCode = z
  .string()
  .regex(/^[A-Za-z2-7]{5}-?[A-Za-z2-7]{5}$/, "must be a recovery code like ABCDE-FGHIJ");
