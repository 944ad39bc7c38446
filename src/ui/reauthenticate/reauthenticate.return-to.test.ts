// Review of the requireMfa step-up page: however return_to is spelled, the page and the gateway must
// agree on whether a second factor is needed there (same route, same verdict), or the password sends
// the browser round and round; a refused password writes nothing; return_to never leaves the origin.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, STRONG_PASSWORD, setUpAuthTest, signUpBrowser } from "../../../test/helpers/auth.ts";
import type { TestClient } from "../../../test/helpers/client.ts";
import { echoOriginUrl } from "../../../test/helpers/gateway.ts";
import { inputNamed, readPage, submitForm } from "../../../test/helpers/html.ts";
import { codeAt, enrollTotp } from "../../../test/helpers/second-factors.ts";
import { ageAccessCookie } from "../../../test/helpers/tokens.ts";

const ACTION = "/auth/reauthenticate/confirm";
const HTML = { headers: { accept: "text/html" } };
const NEEDS_SECOND_FACTOR = "The page you were going to needs a second factor, and this account has none yet.";
let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

/** Does the gateway send a browser with a fresh password-only sign-in to step up for `path`? */
async function gatewayAsksForSecondFactor(client: TestClient, path: string): Promise<boolean> {
  const response = await client.request(path, HTML);
  return response.status === 302 && (response.headers.get("location") ?? "").endsWith("&step_up=1");
}

async function reauthenticatePage(client: TestClient, returnTo: string) {
  return readPage(await client.request(`/auth/reauthenticate?return_to=${encodeURIComponent(returnTo)}`));
}

/** Follows the gateway's redirects for `path` (through sign-in) to the page they end on. */
async function pageOnTheWayTo(client: TestClient, path: string) {
  let response = await client.request(path, HTML);
  for (let hop = 0; hop < 3 && response.status === 302; hop++) {
    response = await client.request(response.headers.get("location") ?? "", HTML);
  }
  return readPage(response);
}

// Spellings of /sensitive (requireMfa) and of paths around it: case, escapes, dot segments, query and
// fragment, a trailing slash, `;` parameters, `//`, a trailing dot, the gateway's own paths.
const SPELLINGS = [
  "/sensitive/x",
  "/Sensitive/x",
  "/SENSITIVE",
  "/sensitive/",
  "/%73ensitive/x",
  "/%53ENSITIVE/x",
  "/sensitive/../sensitive/x",
  "/sensitive/%2e%2e/sensitive/x",
  "/docs/..%2F..%2Fsensitive/x",
  "/sensitive/x?tab=2&next=//evil.example",
  "/sensitive/x#/../../docs",
  "/docs#/sensitive",
  "/docs?/sensitive/x",
  "/sensitivex",
  "/sensitive;p/x",
  "/sensitive//x",
  "/sensitive./x",
  "/sensitive%20/x",
  "/auth/account",
  "/docs",
];

describe("the page and the gateway agree on where a second factor is needed", () => {
  it("for every spelling of return_to: password offered exactly where the gateway asks for no second factor", async () => {
    const client = await signUpBrowser(ctx);
    const verdicts: Record<string, { gateway: boolean; page: boolean }> = {};
    for (const path of SPELLINGS) {
      const page = await reauthenticatePage(client, path);
      verdicts[path] = { gateway: await gatewayAsksForSecondFactor(client, path), page: !inputNamed(page, "password") };
    }
    const disagreements = Object.entries(verdicts).filter(([, v]) => v.gateway !== v.page);
    expect(disagreements).toEqual([]);
    expect(verdicts["/%53ENSITIVE/x"]).toEqual({ gateway: true, page: true });
    expect(verdicts["/docs"]).toEqual({ gateway: false, page: false });
  });

  it("by host too: a requireMfa route for one host, in any spelling of it, and not for another", async () => {
    const origin = echoOriginUrl();
    const hosted = await setUpAuthTest({
      GATEWAY_ROUTES: JSON.stringify([
        { name: "admin", host: "admin.localhost", origin, policy: "authenticated", requireMfa: true },
        { name: "rest", origin, policy: "authenticated" },
      ]),
    });
    const signedIn = await signUpBrowser(hosted);
    const verdicts: Record<string, { gateway: boolean; page: boolean }> = {};
    const bases = [
      "http://admin.localhost",
      "http://ADMIN.localhost.",
      "http://admin.localhost:8787",
      "http://localhost",
    ];
    for (const base of bases) {
      const client = hosted.client(base);
      for (const [name, value] of signedIn.cookies) client.cookies.set(name, value);
      // The gateway's own paths stay ours under the host's "/" route (daa6e6d).
      for (const path of ["/x", "/auth/account", "/AUTH/account"]) {
        const page = await reauthenticatePage(client, path);
        const gateway = await gatewayAsksForSecondFactor(client, path);
        verdicts[`${base}${path}`] = { gateway, page: !inputNamed(page, "password") };
      }
    }
    const expected = (base: string, path: string) => base !== "http://localhost" && path === "/x";
    expect(verdicts).toEqual(
      Object.fromEntries(
        bases.flatMap((base) =>
          ["/x", "/auth/account", "/AUTH/account"].map((path) => [
            `${base}${path}`,
            { gateway: expected(base, path), page: expected(base, path) },
          ]),
        ),
      ),
    );
  });

  it("refuses a password posted for any requireMfa spelling: 400, no counter, audit event or session changed", async () => {
    const client = await signUpBrowser(ctx);
    await ageAccessCookie(client);
    const rows = () =>
      Promise.all([
        ctx.sql("SELECT * FROM auth_counters ORDER BY 1"),
        ctx.sql("SELECT * FROM audit_events ORDER BY 1"),
        ctx.sql("SELECT * FROM sessions ORDER BY 1"),
      ]);
    const before = await rows();
    for (const returnTo of ["/SENSITIVE/x", "/%73ensitive/x", "/docs/../sensitive", "/sensitive?x=1"]) {
      const page = await readPage(await submitForm(client, ACTION, { password: STRONG_PASSWORD, return_to: returnTo }));
      expect(page.status, returnTo).toBe(400);
      expect(page.summary, returnTo).toEqual([
        "This account cannot be confirmed that way. Use one of the methods below.",
      ]);
    }
    expect(await rows()).toEqual(before);
  });

  it("never redirects off the origin after a confirmed password", async () => {
    const client = await signUpBrowser(ctx);
    for (const returnTo of [
      "//evil.example",
      "/\\evil.example",
      "/.//evil.example",
      "/%2e//evil.example",
      "https://evil.example/",
    ]) {
      await ageAccessCookie(client);
      const response = await submitForm(client, ACTION, { password: STRONG_PASSWORD, return_to: returnTo });
      expect(response.status, returnTo).toBe(303);
      expect(new URL(response.headers.get("location") ?? "", "http://localhost/auth/x").origin, returnTo).toBe(
        "http://localhost",
      );
    }
  });
});

// The gateway forwards any query string, but return_to refuses one whose decoded form holds "\", a
// control or a bad escape, or that makes it longer than 2048, and the step-up then happens on the way
// to "/" (no requireMfa route).
const AWKWARD_QUERIES = [
  "/sensitive/x?path=C:%5Cdocs",
  "/sensitive/x?q=a%0Ab",
  "/sensitive/x?q=%E0",
  `/sensitive/x?q=${"a".repeat(2100)}`,
];

describe("a requireMfa route with an awkward query string", () => {
  it("offers a password-only account no password on the way there, and says a second factor is missing", async () => {
    const client = await signUpBrowser(ctx);
    const passwordOffered: string[] = [];
    for (const path of AWKWARD_QUERIES) {
      expect(await gatewayAsksForSecondFactor(client, path), path).toBe(true);
      const page = await pageOnTheWayTo(client, path);
      expect(page.h1, path).toBe("Confirm it is you");
      if (inputNamed(page, "password") || !page.text.includes(NEEDS_SECOND_FACTOR))
        passwordOffered.push(path.slice(0, 40));
    }
    expect(passwordOffered).toEqual([]);
  });

  it("brings an account with two-step sign-in back to the page it was going to after the code", async () => {
    const client = await signUpBrowser(ctx);
    const { secret } = await enrollTotp(client);
    await ageAccessCookie(client, ["pwd"]);
    const path = AWKWARD_QUERIES[0] ?? "";
    const page = await pageOnTheWayTo(client, path);
    // What the page's form sends back (no field when return_to fell back to "/").
    const returnTo = inputNamed(page, "return_to")?.attributes.value;
    const response = await submitForm(client, ACTION, {
      code: codeAt(secret),
      ...(returnTo ? { return_to: returnTo } : {}),
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(path);
  });
});
