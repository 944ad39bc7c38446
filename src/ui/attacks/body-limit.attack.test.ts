// The body limit on page forms when the browser streams the body without a Content-Length.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest } from "../../../test/helpers/auth.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

function streamOf(bytes: number): ReadableStream<Uint8Array> {
  const chunk = new TextEncoder().encode(`password=${"x".repeat(65_527)}`);
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      controller.enqueue(chunk);
      sent += chunk.length;
    },
  });
}

describe("streamed bodies", () => {
  it("refuses an oversize streamed form with the 413 page", async () => {
    for (const path of ["/auth/sign-in", "/auth/sign-up", "/auth/forgot-password"]) {
      const response = await ctx.worker.fetch(path, {
        method: "POST",
        body: streamOf(3_000_000),
        headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://localhost" },
        // @ts-expect-error workerd's RequestInit takes duplex for a streamed body
        duplex: "half",
      });
      expect([path, response.status, response.headers.get("content-type")]).toEqual([
        path,
        413,
        "text/html; charset=UTF-8",
      ]);
    }
  });
});
