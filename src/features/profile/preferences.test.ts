// GET/PATCH /auth/preferences: defaults without a row, partial updates, null resets, validation of theme,
// locale (BCP 47 and among the catalogues) and time zone (IANA, as workerd knows it), audit, cascade.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  type ErrorBody,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
  userIdOf,
} from "../../../test/helpers/auth.ts";
import type { TestClient } from "../../../test/helpers/client.ts";
import { profileState } from "../../../test/helpers/profile.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

type PreferencesBody = { preferences: { theme: string; locale: string | null; timeZone: string | null } };
const patch = (client: TestClient, json: unknown) => client.request("/auth/preferences", { method: "PATCH", json });

describe("GET and PATCH /auth/preferences", () => {
  it("answers the defaults before anything is chosen, without writing a row", async () => {
    const email = uniqueEmail("prefs");
    const client = await signUpBrowser(ctx, email);
    const response = await client.request("/auth/preferences");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      preferences: { theme: "SYSTEM", locale: null, timeZone: null, notifications: expect.any(Object) },
    });
    expect(await ctx.count("user_preferences", "user_id = $1::uuid", [await userIdOf(ctx, email)])).toBe(0);
  });

  it("stores partial changes in canonical form, resets with null and audits changed field names only", async () => {
    const email = uniqueEmail("prefs");
    const client = await signUpBrowser(ctx, email);
    const userId = await userIdOf(ctx, email);
    const first = await patch(client, { theme: "DARK", locale: "EN", timeZone: "europe/paris" });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({
      preferences: { theme: "DARK", locale: "en", timeZone: "Europe/Paris", notifications: expect.any(Object) },
      changed: ["theme", "locale", "timeZone"],
    });
    const second = await patch(client, { timeZone: "America/Argentina/Buenos_Aires" });
    expect(((await second.json()) as PreferencesBody).preferences).toEqual({
      theme: "DARK",
      locale: "en",
      timeZone: "America/Argentina/Buenos_Aires",
      notifications: expect.any(Object),
    });
    const reset = await patch(client, { theme: null, locale: null, timeZone: null });
    expect(((await reset.json()) as PreferencesBody).preferences).toEqual({
      theme: "SYSTEM",
      locale: null,
      timeZone: null,
      notifications: expect.any(Object),
    });
    expect(await (await patch(client, {})).json()).toMatchObject({ changed: [] });
    expect(((await (await client.request("/auth/preferences")).json()) as PreferencesBody).preferences.theme).toBe(
      "SYSTEM",
    );
    const audits = await ctx.sql<{ metadata: unknown }>(
      "SELECT metadata FROM audit_events WHERE user_id = $1::uuid AND action = 'preferences.updated' ORDER BY created_at",
      [userId],
    );
    expect(audits.map((row) => row.metadata)).toEqual([
      { fields: ["theme", "locale", "timeZone"] },
      { fields: ["timeZone"] },
      { fields: ["theme", "locale", "timeZone"] },
    ]);
    expect(await ctx.count("user_preferences", "user_id = $1::uuid", [userId])).toBe(1);
  });

  it("refuses unknown themes, locales outside the catalogues, malformed tags and unknown time zones", async () => {
    const client = await signUpBrowser(ctx);
    expect((await patch(client, { theme: "LIGHT" })).status).toBe(200);
    const before = await profileState(ctx);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ theme: "BLUE" }, "theme"],
      [{ theme: "dark" }, "theme"],
      [{ theme: "" }, "theme"],
      [{ locale: "fr" }, "locale"],
      [{ locale: "en-GB" }, "locale"],
      [{ locale: "not a tag" }, "locale"],
      [{ locale: "e" }, "locale"],
      [{ locale: "" }, "locale"],
      [{ locale: `en-${"x".repeat(40)}` }, "locale"],
      [{ timeZone: "Mars/Olympus_Mons" }, "timeZone"],
      [{ timeZone: "Europe/../etc/passwd" }, "timeZone"],
      [{ timeZone: "" }, "timeZone"],
      [{ timeZone: "x".repeat(65) }, "timeZone"],
    ];
    for (const [json, field] of cases) {
      const response = await patch(client, json);
      const body = (await response.json()) as ErrorBody;
      expect([json, response.status, body.error.code, body.error.fields?.[0]?.path]).toEqual([
        json,
        400,
        "invalid_request",
        field,
      ]);
    }
    const catalogue = (await (await patch(client, { locale: "fr" })).json()) as ErrorBody;
    expect(catalogue.error.fields?.[0]?.message).toBe("must be one of: en");
    expect(await profileState(ctx)).toEqual(before);
  });

  it("accepts UTC and other IANA names workerd knows", async () => {
    const client = await signUpBrowser(ctx);
    for (const timeZone of ["UTC", "Asia/Kolkata", "Pacific/Chatham", "America/Argentina/Buenos_Aires"]) {
      const response = await patch(client, { timeZone });
      expect([timeZone, response.status]).toEqual([timeZone, 200]);
      expect(((await response.json()) as PreferencesBody).preferences.timeZone).toBe(timeZone);
    }
  });

  it("deletes the preferences with their user (ON DELETE CASCADE)", async () => {
    const email = uniqueEmail("prefs-cascade");
    const client = await signUpBrowser(ctx, email);
    expect((await patch(client, { theme: "DARK" })).status).toBe(200);
    const userId = await userIdOf(ctx, email);
    await ctx.sql("DELETE FROM users WHERE id = $1::uuid", [userId]);
    expect(await ctx.count("user_preferences", "user_id = $1::uuid", [userId])).toBe(0);
  });
});
