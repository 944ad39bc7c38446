// The inbox routes: listing (unread filter, keyset paging), marking one or all read, the unread count
// in /auth/session, every refusal (status, code, nothing changed), and the scheduled purge.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuthTestContext,
  type ErrorBody,
  setUpAuthTest,
  signUpApi,
  signUpBrowser,
  uniqueEmail,
  userIdOf,
} from "../../../test/helpers/auth.ts";
import type { TestClient } from "../../../test/helpers/client.ts";
import { inboxOf, notificationState } from "../../../test/helpers/notifications.ts";
import worker from "../../index.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

/** `count` notifications for the user, one second apart (the newest last), the first `read` ones read. */
async function seed(email: string, count: number, read = 0) {
  const userId = await userIdOf(ctx, email);
  await ctx.sql(
    `INSERT INTO notifications (id, user_id, type, data, created_at, read_at)
     SELECT gen_random_uuid(), $1, 'PASSWORD_CHANGED', jsonb_build_object('via', 'change', 'n', g),
            now() - make_interval(secs => $2 - g), CASE WHEN g <= $3 THEN now() END
     FROM generate_series(1, $2::int) g`,
    [userId, count, read],
  );
  return userId;
}

async function userWith(count: number, read = 0): Promise<{ email: string; client: TestClient; userId: string }> {
  const email = uniqueEmail("inbox");
  const client = await signUpBrowser(ctx, email);
  return { email, client, userId: await seed(email, count, read) };
}

const refusal = async (response: Response) => [response.status, ((await response.json()) as ErrorBody).error.code];

describe("GET /auth/notifications", () => {
  it("lists newest first, pages with nextCursor to the end, and filters unread ones", async () => {
    const { client } = await userWith(5, 2);
    const first = await client.request("/auth/notifications?limit=2");
    expect(first.status).toBe(200);
    expect(first.headers.get("cache-control")).toBe("no-store");
    const page1 = await inboxOf(client, "?limit=2");
    expect(page1.notifications.map((n) => n.data.n)).toEqual([5, 4]);
    expect(page1.unreadCount).toBe(3);
    expect(page1.notifications[0]).toMatchObject({ type: "password_changed", readAt: null });
    const page2 = await inboxOf(client, `?limit=2&cursor=${page1.nextCursor}`);
    expect(page2.notifications.map((n) => n.data.n)).toEqual([3, 2]);
    const page3 = await inboxOf(client, `?limit=2&cursor=${page2.nextCursor}`);
    expect(page3.notifications.map((n) => n.data.n)).toEqual([1]);
    expect(page3.nextCursor).toBeNull();
    const unread = await inboxOf(client, "?unread=true&limit=2");
    expect(unread.notifications.map((n) => n.data.n)).toEqual([5, 4]);
    const rest = await inboxOf(client, `?unread=true&limit=2&cursor=${unread.nextCursor}`);
    expect(rest.notifications.map((n) => n.data.n)).toEqual([3]);
    expect(rest.nextCursor).toBeNull();
    expect((await inboxOf(client, "?unread=false")).notifications).toHaveLength(5);
  });

  it("pages rows created in the same millisecond by id, skipping and repeating none", async () => {
    const email = uniqueEmail("same-ms");
    const client = await signUpBrowser(ctx, email);
    const userId = await userIdOf(ctx, email);
    await ctx.sql(
      `INSERT INTO notifications (id, user_id, type, created_at)
       SELECT gen_random_uuid(), $1, 'EMAIL_CHANGED', '2026-12-01T00:00:00Z' FROM generate_series(1, 5)`,
      [userId],
    );
    const seen: string[] = [];
    let cursor: string | null = "";
    while (cursor !== null) {
      const page = await inboxOf(client, `?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...page.notifications.map((n) => n.id));
      cursor = page.nextCursor;
    }
    expect(new Set(seen).size).toBe(5);
  });

  it("shows only the caller's own notifications, to a bearer client too", async () => {
    const other = await userWith(3);
    const api = await signUpApi(ctx);
    await seed(api.email, 1);
    const response = await ctx.client().request("/auth/notifications", { bearer: api.accessToken });
    const body = (await response.json()) as { notifications: unknown[] };
    expect(body.notifications).toHaveLength(1);
    expect((await inboxOf(other.client)).notifications).toHaveLength(3);
  });

  it("refuses a bad query with 400 invalid_request and no session with 401", async () => {
    const { client } = await userWith(1);
    for (const query of [
      "?unread=yes",
      "?unread=1",
      "?limit=0",
      "?limit=101",
      "?limit=x",
      "?limit=2.5",
      "?cursor=",
      "?cursor=not-a-cursor",
      "?cursor=AAAA",
      `?cursor=${btoa("123.not-a-uuid").replaceAll("=", "")}`,
      "?before=x",
      "?unread=true&page=2",
    ]) {
      expect([query, ...(await refusal(await client.request(`/auth/notifications${query}`)))]).toEqual([
        query,
        400,
        "invalid_request",
      ]);
    }
    expect(await refusal(await ctx.client().request("/auth/notifications"))).toEqual([401, "unauthenticated"]);
    const spoofed = await ctx
      .client()
      .request("/auth/notifications", { headers: { "x-auth-user-id": crypto.randomUUID() } });
    expect(await refusal(spoofed)).toEqual([401, "unauthenticated"]);
  });
});

describe("POST /auth/notifications/:id/read and /read-all", () => {
  it("marks one read (audited), keeps its first read time when read again, and lowers the counts", async () => {
    const { client, userId } = await userWith(3);
    const [newest] = (await inboxOf(client)).notifications;
    const response = await client.request(`/auth/notifications/${newest?.id}/read`, { method: "POST" });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ unreadCount: 2 });
    const [row] = await ctx.sql<{ read_at: Date }>("SELECT read_at FROM notifications WHERE id = $1", [newest?.id]);
    expect((await client.request(`/auth/notifications/${newest?.id}/read`, { method: "POST" })).status).toBe(200);
    const [again] = await ctx.sql<{ read_at: Date }>("SELECT read_at FROM notifications WHERE id = $1", [newest?.id]);
    expect(again?.read_at).toEqual(row?.read_at);
    expect(await ctx.count("audit_events", "user_id = $1 AND action = 'notifications.read'", [userId])).toBe(1);
    const session = (await (await client.request("/auth/session")).json()) as { notifications: unknown };
    expect(session.notifications).toEqual({ unreadCount: 2 });
  });

  it("marks all read, and only the caller's", async () => {
    const { client, userId } = await userWith(4, 1);
    const other = await userWith(2);
    const response = await client.request("/auth/notifications/read-all", { method: "POST" });
    expect(await response.json()).toEqual({ marked: 3, unreadCount: 0 });
    expect(await ctx.count("notifications", "user_id = $1 AND read_at IS NULL", [userId])).toBe(0);
    expect(await ctx.count("notifications", "user_id = $1 AND read_at IS NULL", [other.userId])).toBe(2);
    expect(await (await client.request("/auth/notifications/read-all", { method: "POST" })).json()).toEqual({
      marked: 0,
      unreadCount: 0,
    });
    const session = (await (await client.request("/auth/session")).json()) as { notifications: unknown };
    expect(session.notifications).toEqual({ unreadCount: 0 });
  });

  it("answers 404 for someone else's, an unknown or a malformed id, and changes nothing", async () => {
    const { client } = await userWith(1);
    const victim = await userWith(1);
    const [theirs] = (await inboxOf(victim.client)).notifications;
    const before = await notificationState(ctx);
    for (const id of [theirs?.id, crypto.randomUUID(), "not-a-uuid", "1", `${theirs?.id}x`, "%00", "read-all-x"]) {
      const response = await client.request(`/auth/notifications/${id}/read`, { method: "POST" });
      expect([id, ...(await refusal(response))]).toEqual([id, 404, "notification_not_found"]);
    }
    expect(await notificationState(ctx)).toEqual(before);
  });

  it("refuses cross-site and Origin-less cookie requests (403) and no session (401), changing nothing", async () => {
    const { client } = await userWith(2);
    const [one] = (await inboxOf(client)).notifications;
    const before = await notificationState(ctx);
    for (const path of [`/auth/notifications/${one?.id}/read`, "/auth/notifications/read-all"]) {
      for (const origin of ["https://evil.example", "null"])
        expect(await refusal(await client.request(path, { method: "POST", origin }))).toEqual([403, "csrf_rejected"]);
      const fetchSite = await client.request(path, {
        method: "POST",
        origin: null,
        headers: { "sec-fetch-site": "cross-site" },
      });
      expect(await refusal(fetchSite)).toEqual([403, "csrf_rejected"]);
      expect(await refusal(await ctx.client().request(path, { method: "POST", origin: null }))).toEqual([
        401,
        "unauthenticated",
      ]);
      const oversize = await client.request(path, { method: "POST", json: { pad: "x".repeat(70 * 1024) } });
      expect(await refusal(oversize)).toEqual([413, "payload_too_large"]);
    }
    expect(await notificationState(ctx)).toEqual(before);
  });
});

describe("the scheduled purge", () => {
  it("removes read notifications past NOTIFICATION_RETENTION_DAYS and keeps unread and recent ones", async () => {
    const email = uniqueEmail("purge");
    await signUpBrowser(ctx, email);
    const userId = await userIdOf(ctx, email);
    await ctx.sql(
      `INSERT INTO notifications (id, user_id, type, data, created_at, read_at) VALUES
       (gen_random_uuid(), $1, 'PASSWORD_CHANGED', '{"k":"old-read"}', now() - interval '91 days', now() - interval '90 days'),
       (gen_random_uuid(), $1, 'PASSWORD_CHANGED', '{"k":"old-unread"}', now() - interval '200 days', NULL),
       (gen_random_uuid(), $1, 'PASSWORD_CHANGED', '{"k":"recent-read"}', now() - interval '89 days', now())`,
      [userId],
    );
    const executionContext = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: "*/30 * * * *" }), ctx.worker.env, executionContext);
    await waitOnExecutionContext(executionContext);
    const kept = await ctx.sql<{ k: string }>(
      "SELECT data->>'k' AS k FROM notifications WHERE user_id = $1 ORDER BY 1",
      [userId],
    );
    expect(kept.map((row) => row.k)).toEqual(["old-unread", "recent-read"]);
  });

  it("goes away with its user (ON DELETE CASCADE)", async () => {
    const { userId } = await userWith(2);
    await ctx.sql("DELETE FROM users WHERE id = $1", [userId]);
    expect(await ctx.count("notifications", "user_id = $1", [userId])).toBe(0);
  });
});
