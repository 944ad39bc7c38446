// issue 15 (finishing): hosted pages show times in the signed-in user's time zone (their preference) and
// locale, inside <time datetime="ISO">; with no zone set, in UTC. The admin console uses the admin's own.
import { beforeAll, describe, expect, it } from "vitest";
import { signedInPlatformAdmin } from "../../../test/helpers/admin.ts";
import {
  type AuthTestContext,
  setUpAuthTest,
  signUpBrowser,
  uniqueEmail,
  userIdOf,
} from "../../../test/helpers/auth.ts";
import type { TestClient } from "../../../test/helpers/client.ts";
import { readPage } from "../../../test/helpers/html.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const SIGNED_IN = "2026-03-04T05:06:00.000Z";
const LAST_SEEN = "2026-03-04T23:30:00.000Z";

/** Pins the user's sessions' times, so the page shows known moments. */
async function pinSessionTimes(userId: string) {
  await ctx.sql("UPDATE sessions SET created_at = $2, last_seen_at = $3 WHERE user_id = $1", [
    userId,
    SIGNED_IN,
    LAST_SEEN,
  ]);
}

async function setTimeZone(client: TestClient, timeZone: string) {
  const response = await client.request("/auth/preferences", { method: "PATCH", json: { timeZone } });
  expect(response.status).toBe(200);
}

/** Each <time> element of the page: its datetime attribute and its text. */
const timesIn = (html: string) =>
  [...html.matchAll(/<time datetime="([^"]+)">([^<]*)<\/time>/g)].map((m) => [m[1], m[2]] as const);

describe("times on the account page", () => {
  it("are shown in UTC when the user has no time zone", async () => {
    const email = uniqueEmail("tz-utc");
    const client = await signUpBrowser(ctx, email);
    await pinSessionTimes(await userIdOf(ctx, email));
    const times = timesIn((await readPage(await client.request("/auth/account"))).html);
    expect(times).toEqual(
      expect.arrayContaining([
        [SIGNED_IN, "Mar 4, 2026, 5:06 AM UTC"],
        [LAST_SEEN, "Mar 4, 2026, 11:30 PM UTC"],
      ]),
    );
  });

  it("are converted to the user's zone (Asia/Tokyo), the next day included", async () => {
    const email = uniqueEmail("tz-tokyo");
    const client = await signUpBrowser(ctx, email);
    await setTimeZone(client, "Asia/Tokyo");
    await pinSessionTimes(await userIdOf(ctx, email));
    const page = await readPage(await client.request("/auth/account"));
    const times = timesIn(page.html);
    expect(times).toEqual(
      expect.arrayContaining([
        [SIGNED_IN, "Mar 4, 2026, 2:06 PM GMT+9"],
        [LAST_SEEN, "Mar 5, 2026, 8:30 AM GMT+9"],
      ]),
    );
    expect(page.html).not.toContain("5:06 AM UTC");
    // Every time on the page is machine-readable, whatever zone it is shown in.
    for (const [iso] of times) expect(new Date(iso ?? "").toISOString()).toBe(iso);
  });

  it("follow the admin's own zone on the console, not the user's they look at", async () => {
    const admin = await signedInPlatformAdmin(ctx, "tz-admin");
    await setTimeZone(admin.client, "America/New_York");
    const email = uniqueEmail("tz-viewed");
    const viewed = await signUpBrowser(ctx, email);
    await setTimeZone(viewed, "Asia/Tokyo");
    const userId = await userIdOf(ctx, email);
    await pinSessionTimes(userId);
    const page = await readPage(await admin.client.request(`/auth/admin/users/${userId}`));
    expect(page.status).toBe(200);
    expect(timesIn(page.html)).toEqual(expect.arrayContaining([[SIGNED_IN, "Mar 4, 2026, 12:06 AM EST"]]));
    expect(page.html).not.toContain("GMT+9");
  });
});
