// Field rules shared by the invitation JSON routes and the invitation pages.
import { z } from "zod";

/** The invitation link's token: 256 bits, base64url. Anything else gets the one invalid_token answer. */
export const INVITATION_TOKEN = z.string().regex(/^[A-Za-z0-9_-]{43}$/);
