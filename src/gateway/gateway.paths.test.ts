// H2 (issue 10): one canonical path, matched and forwarded. Every spelling of a protected prefix that
// sits before a catch-all to the same origin must meet the protected route's policy or a 400.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, type ErrorBody, setUpAuthTest, signUpApi } from "../../test/helpers/auth.ts";
import { type Echo, newProbe, originSaw } from "../../test/helpers/gateway.ts";

let ctx: AuthTestContext;
let api: Awaited<ReturnType<typeof signUpApi>>;
beforeAll(async () => {
  ctx = await setUpAuthTest();
  api = await signUpApi(ctx);
});

/** A request as the signed-in API user (no roles, no second factor), tagged so the origin remembers it. */
async function asUser(url: string, init: RequestInit = {}) {
  const probe = newProbe();
  const response = await ctx.worker.fetch(url, {
    ...init,
    headers: { authorization: `Bearer ${api.accessToken}`, "x-test-probe": probe, ...(init.headers ?? {}) },
  });
  return { response, probe };
}

const errorCode = async (response: Response) => ((await response.json()) as ErrorBody).error?.code;

describe("H2: canonical paths", () => {
  it("H2: a case or %2F variant of a protected prefix never reaches a broader route", async () => {
    // /backoffice needs the admin role, /sensitive a second factor; the catch-all "app" reaches the same origin.
    const variants: Array<[string, number, string]> = [
      ["/BACKOFFICE/users", 403, "forbidden"],
      ["/Backoffice/users", 403, "forbidden"],
      ["/%62ackoffice/users", 403, "forbidden"],
      ["/%42ACKOFFICE/users", 403, "forbidden"],
      ["/x/../backoffice/users", 403, "forbidden"],
      ["/x/%2e%2e/backoffice/users", 403, "forbidden"],
      ["/backoffice%2Fusers", 400, "invalid_path"],
      ["/backoffice%2fusers", 400, "invalid_path"],
      ["/backoffice;x/users", 400, "invalid_path"],
      ["/backoffice;/users", 400, "invalid_path"],
      ["//backoffice/users", 400, "invalid_path"],
      ["/x//backoffice/users", 400, "invalid_path"],
      ["/backoffice%5Cusers", 400, "invalid_path"],
      ["/%2e%2e%2fbackoffice/users", 400, "invalid_path"],
      ["/backoffice%2e/users", 400, "invalid_path"],
      ["/backoffice%00/users", 400, "invalid_path"],
      ["/backoffice%09/users", 400, "invalid_path"],
      ["/backoffice%zz/users", 400, "invalid_path"],
      ["/Sensitive/x", 401, "second_factor_required"],
      ["/SENSITIVE/x", 401, "second_factor_required"],
      ["/%73ensitive/x", 401, "second_factor_required"],
      ["/sensitive%2Fx", 400, "invalid_path"],
      ["/sensitive;a=b/x", 400, "invalid_path"],
      ["//sensitive/x", 400, "invalid_path"],
    ];
    for (const [path, status, code] of variants) {
      // A full URL: "//backoffice" alone would be read as a protocol-relative URL to the host "admin".
      const { response, probe } = await asUser(`http://localhost${path}`);
      expect([path, response.status, await errorCode(response)]).toEqual([path, status, code]);
      expect(await originSaw(probe), path).toBe(false);
    }
  });

  /** Each spelling answers 400 invalid_path and never reaches the origin through the catch-all. */
  async function expectRefusedPaths(paths: string[]) {
    for (const path of paths) {
      const { response, probe } = await asUser(`http://localhost${path}`);
      expect([path, response.status, await errorCode(response)]).toEqual([path, 400, "invalid_path"]);
      expect(await originSaw(probe), path).toBe(false);
    }
  }

  it("H2: a double-encoded slash (%252F) or encoded ; never reaches a broader route", async () => {
    // An origin that decodes twice reads /backoffice%252Fusers as /backoffice/users; one that decodes before it
    // strips parameters or splits off the query reads /backoffice%3Bx/users (or %3F, %23) as /backoffice/...
    await expectRefusedPaths([
      "/backoffice%252Fusers",
      "/%2562ackoffice/users",
      "/backoffice%3Bx/users",
      "/backoffice%3bx/users",
      "/backoffice%3F/users",
      "/backoffice%23/users",
      "/items/%25",
    ]);
  });

  it("H2: a segment ending in . or a space (stripped by Windows servers) never reaches a broader route", async () => {
    await expectRefusedPaths([
      "/backoffice./users",
      "/backoffice../users",
      "/backoffice%20/users",
      "/backoffice /users",
      "/backoffice.;x/users",
    ]);
    // A dot or space inside a segment is an ordinary name.
    const { response } = await asUser("http://localhost/items/a.b/c%20d");
    expect(response.status).toBe(200);
    expect(((await response.json()) as Echo).url).toBe("/items/a.b/c%20d");
  });

  it("H2: escapes that are not UTF-8 (an overlong /) never reach a broader route", async () => {
    await expectRefusedPaths([
      "/backoffice%C0%AFusers",
      "/backoffice%E0%80%AFusers",
      "/backoffice%80/users",
      "/backoffice%C3/users",
    ]);
    const { response } = await asUser("http://localhost/%C5%BFbackoffice/users");
    expect(response.status).toBe(200);
  });

  it("H2: forwards and signs exactly the canonical path it matched, and names the route in the assertion", async () => {
    const { response } = await asUser("/%69tems/caf%c3%a9/%7Eme/x%3cy?q=%2F");
    expect(response.status).toBe(200);
    const echo = (await response.json()) as Echo;
    expect(echo.url).toBe("/items/caf%C3%A9/~me/x%3Cy?q=%2F");
    expect(echo.assertion).toMatchObject({
      ok: true,
      claims: { htp: "/items/caf%C3%A9/~me/x%3Cy", route: "app", auth_src: "bearer" },
    });
    expect(echo.headers["x-auth-route"]).toBe("app");
    const stripped = (await (await asUser("/SVC/orders/")).response.json()) as Echo;
    expect(stripped.url).toBe("/base/orders/");
    expect(stripped.assertion).toMatchObject({ ok: true, claims: { htp: "/base/orders/", route: "stripped" } });
  });

  it("H2: a route that opts into ; parameters matches without them and forwards them", async () => {
    const { response } = await asUser("/matrix;v=1/a;b=2");
    const echo = (await response.json()) as Echo;
    expect(echo.url).toBe("/matrix;v=1/a;b=2");
    expect(echo.assertion).toMatchObject({ ok: true, claims: { htp: "/matrix;v=1/a;b=2", route: "params" } });
    const { response: empty } = await asUser("/matrix/;x/a");
    expect([empty.status, await errorCode(empty)]).toEqual([400, "invalid_path"]);
  });

  it("H2: matches the host in lower case, without a trailing dot or a port", async () => {
    for (const url of ["http://LOCALHOST/items/1", "http://localhost./items/1", "http://localhost:8443/items/1"]) {
      const { response } = await asUser(url);
      expect([url, response.status]).toEqual([url, 200]);
      expect(((await response.json()) as Echo).assertion).toMatchObject({ ok: true, claims: { route: "app" } });
    }
  });

  it("H2: never proxies a case or encoded variant of the gateway's own paths", async () => {
    const variants: Array<[string, number, string]> = [
      ["/AUTH/login", 404, "not_found"],
      ["/Auth/session", 404, "not_found"],
      ["/auth;x/session", 404, "not_found"],
      ["/auth%2Flogin", 400, "invalid_path"],
      ["/.WELL-KNOWN/jwks.json", 404, "not_found"],
      ["/HEALTHZ", 404, "not_found"],
      ["/Dev/Outbox", 404, "not_found"],
    ];
    for (const [path, status, code] of variants) {
      const { response, probe } = await asUser(path, { method: "POST", body: "{}" });
      expect([path, response.status, await errorCode(response)]).toEqual([path, status, code]);
      expect(await originSaw(probe), path).toBe(false);
    }
  });
});
