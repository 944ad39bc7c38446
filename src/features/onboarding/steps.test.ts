// Issue 15: ONBOARDING_STEPS and ONBOARDING_URL are checked at config load; a requireOnboarding route
// without onboarding configured makes the route table unusable.
import { describe, expect, it } from "vitest";
import { testEnv } from "../../../test/helpers/env.ts";
import { ConfigError, loadConfig } from "../../config/index.ts";

const required = {
  AUTH_KV: testEnv.AUTH_KV,
  ISSUER: "https://auth.example.com/",
  AUTH_SECRET: testEnv.AUTH_SECRET,
  SIGNING_KEYS: testEnv.SIGNING_KEYS,
  MAIL_HTTP_URL: "https://mail.example.com/send",
  DATABASE_URL: "postgres://u:p@db.example.com/app",
};

const load = (extra: Record<string, unknown>) => loadConfig({ ...required, ...extra });
const route = (extra: Record<string, unknown>) => [
  { name: "app", origin: "https://app.internal", policy: "authenticated", ...extra },
];

describe("ONBOARDING_STEPS", () => {
  it("is off when unset", () => {
    expect(load({}).onboarding).toBeUndefined();
  });

  it("parses JSON text with the default data limit and ONBOARDING_URL's default", () => {
    const config = load({
      ONBOARDING_STEPS: '[{"key":"profile"},{"key":"verify","requires":"email","maxDataBytes":100}]',
    });
    expect(config.onboarding).toEqual({
      url: "/onboarding",
      steps: [
        { key: "profile", maxDataBytes: 4096 },
        { key: "verify", requires: "email", maxDataBytes: 100 },
      ],
    });
  });

  it("takes the array wrangler hands over for TOML tables", () => {
    expect(load({ ONBOARDING_STEPS: [{ key: "a", requires: "phone" }] }).onboarding?.steps).toEqual([
      { key: "a", requires: "phone", maxDataBytes: 4096 },
    ]);
  });

  it.each([
    ["not JSON", "[{", /ONBOARDING_STEPS is not valid JSON/],
    ["empty", "[]", /ONBOARDING_STEPS must list at least one step/],
    ["a duplicate key", '[{"key":"a"},{"key":"a"}]', /ONBOARDING_STEPS\.1\.key is used twice/],
    ["a bad key", '[{"key":"Has Space"}]', /ONBOARDING_STEPS\.0\.key must be 1 to 63/],
    ["an unknown verification", '[{"key":"a","requires":"fax"}]', /ONBOARDING_STEPS\.0\.requires/],
    ["a huge data limit", '[{"key":"a","maxDataBytes":1000000}]', /ONBOARDING_STEPS\.0\.maxDataBytes must be/],
    ["an unknown field", '[{"key":"a","optional":true}]', /ONBOARDING_STEPS\.0/],
    [
      "a field with a bad name",
      '[{"key":"a","fields":[{"name":"Bad Name","label":"x"}]}]',
      /ONBOARDING_STEPS\.0\.fields\.0\.name/,
    ],
    [
      "a field named return_to",
      '[{"key":"a","fields":[{"name":"return_to","label":"x"}]}]',
      /fields\.0\.name is reserved/,
    ],
    ["a field of unknown type", '[{"key":"a","fields":[{"name":"x","label":"x","type":"file"}]}]', /fields\.0\.type/],
    ["a field without a label", '[{"key":"a","fields":[{"name":"x"}]}]', /fields\.0\.label/],
    [
      "a field twice",
      '[{"key":"a","fields":[{"name":"x","label":"x"},{"name":"x","label":"y"}]}]',
      /fields\.1\.name is used twice/,
    ],
    [
      "a field longer than the step",
      '[{"key":"a","maxDataBytes":10,"fields":[{"name":"x","label":"x","maxLength":11}]}]',
      /fields\.0\.maxLength must not exceed maxDataBytes/,
    ],
    [
      "an unknown field property",
      '[{"key":"a","fields":[{"name":"x","label":"x","html":"<b>"}]}]',
      /ONBOARDING_STEPS\.0\.fields\.0/,
    ],
    ["too many steps", JSON.stringify(Array.from({ length: 33 }, (_, i) => ({ key: `s${i}` }))), /at most 32 steps/],
  ])("refuses %s, naming the variable", (_, value, message) => {
    expect(() => load({ ONBOARDING_STEPS: value })).toThrow(ConfigError);
    expect(() => load({ ONBOARDING_STEPS: value })).toThrow(message);
  });
});

describe("ONBOARDING_STEPS fields (the hosted page's forms)", () => {
  it("parses a step's title and fields with their defaults", () => {
    const steps = load({
      ONBOARDING_STEPS: JSON.stringify([
        { key: "about", title: "About you", fields: [{ name: "company", label: "Company", required: true }] },
        { key: "terms", fields: [{ name: "ok", label: "I agree", type: "checkbox", maxLength: 5 }] },
      ]),
    }).onboarding?.steps;
    expect(steps).toEqual([
      {
        key: "about",
        title: "About you",
        maxDataBytes: 4096,
        fields: [{ name: "company", label: "Company", type: "text", required: true }],
      },
      {
        key: "terms",
        maxDataBytes: 4096,
        fields: [{ name: "ok", label: "I agree", type: "checkbox", required: false, maxLength: 5 }],
      },
    ]);
  });
});

describe("ONBOARDING_URL", () => {
  it("accepts a path, a URL on the issuer's origin and one on a trusted origin", () => {
    const steps = '[{"key":"a"}]';
    expect(load({ ONBOARDING_STEPS: steps, ONBOARDING_URL: "/welcome?x=1" }).onboarding?.url).toBe("/welcome?x=1");
    expect(load({ ONBOARDING_STEPS: steps, ONBOARDING_URL: "https://auth.example.com/start" }).onboarding?.url).toBe(
      "https://auth.example.com/start",
    );
    const trusted = { ONBOARDING_STEPS: steps, TRUSTED_ORIGINS: "https://app.example.com" };
    expect(load({ ...trusted, ONBOARDING_URL: "https://app.example.com/onboard" }).onboarding?.url).toBe(
      "https://app.example.com/onboard",
    );
  });

  it.each([
    "https://evil.example/onboard",
    "//evil.example/onboard",
    "/\\evil.example",
    "javascript:alert(1)",
    "welcome",
  ])("refuses %s (never an open redirect)", (value) => {
    expect(() => load({ ONBOARDING_STEPS: '[{"key":"a"}]', ONBOARDING_URL: value })).toThrow(/ONBOARDING_URL/);
  });
});

describe("requireOnboarding in GATEWAY_ROUTES", () => {
  it("makes the table unusable while onboarding is off, naming the route", () => {
    const config = load({ GATEWAY_ROUTES: JSON.stringify(route({ requireOnboarding: true })) });
    expect(config.gatewayRoutes).toEqual([]);
    expect(config.routeTableProblem).toBe('GATEWAY_ROUTES route #1 "app": requireOnboarding needs ONBOARDING_STEPS');
  });

  it("is refused on a public route", () => {
    const config = load({
      ONBOARDING_STEPS: '[{"key":"a"}]',
      GATEWAY_ROUTES: JSON.stringify(route({ policy: "public", requireOnboarding: true })),
    });
    expect(config.routeTableProblem).toMatch(/requireOnboarding needs a signed-in policy/);
  });

  it("is accepted with onboarding on, and defaults to false", () => {
    const config = load({
      ONBOARDING_STEPS: '[{"key":"a"}]',
      GATEWAY_ROUTES: JSON.stringify(route({ requireOnboarding: true })),
    });
    expect(config.routeTableProblem).toBeUndefined();
    expect(config.gatewayRoutes[0]?.requireOnboarding).toBe(true);
    expect(load({ GATEWAY_ROUTES: JSON.stringify(route({})) }).gatewayRoutes[0]?.requireOnboarding).toBe(false);
  });
});
