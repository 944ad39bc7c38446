// Reads a page's form POST: only from our own origin (CSRF and login CSRF), only urlencoded, within the
// body limit the /auth/* middleware enforces; the first value of each field, as plain strings.
import type { Context } from "hono";
import type { AppEnv } from "../http/app-env.ts";
import { AppError } from "../http/app-error.ts";
import { hasFormBody } from "../http/body.ts";
import { assertSameOrigin } from "../http/csrf.ts";

export type FormFields = Record<string, string>;

/**
 * Every page form passes the same Origin / Sec-Fetch-Site check as the API — with or without a
 * session cookie, so another site cannot sign a browser into the attacker's account (login CSRF).
 */
export async function readForm(c: Context<AppEnv>): Promise<FormFields> {
  assertSameOrigin(c);
  if (!hasFormBody(c)) throw new AppError("unsupported_media_type");
  const fields: FormFields = {};
  for (const [name, value] of new URLSearchParams(await c.req.text())) {
    // Only the first value counts: a repeated field cannot smuggle a second meaning past validation.
    if (!(name in fields)) fields[name] = value;
  }
  return fields;
}
