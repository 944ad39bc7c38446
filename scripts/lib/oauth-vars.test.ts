// OAUTH_PROVIDERS reaching `npm run dev`'s Worker: the entries and only the secrets they name.
import { describe, expect, it } from "vitest";
import { oauthProviderVars, oauthSecretBindingNames } from "./oauth-vars.ts";

const entries = JSON.stringify([
  { id: "op", type: "oidc", clientId: "c", clientSecretBinding: "OP_CLIENT_SECRET", issuer: "http://127.0.0.1:1" },
  { id: "apple", type: "apple", clientId: "a", privateKeyBinding: "APPLE_PRIVATE_KEY" },
  { id: "odd", type: "oidc", clientSecretBinding: "lower-case; rm -rf" },
]);

describe("oauthProviderVars", () => {
  it("passes OAUTH_PROVIDERS and the secrets its entries name, nothing else", () => {
    const vars = oauthProviderVars({
      OAUTH_PROVIDERS: entries,
      OP_CLIENT_SECRET: "s3cret",
      APPLE_PRIVATE_KEY: undefined,
      DATABASE_URL: "postgres://elsewhere",
    });
    expect(vars).toEqual([`OAUTH_PROVIDERS:${entries}`, "OP_CLIENT_SECRET:s3cret"]);
  });

  it("passes nothing without OAUTH_PROVIDERS, and names no binding from text that is not an array", () => {
    expect(oauthProviderVars({ OP_CLIENT_SECRET: "s3cret" })).toEqual([]);
    expect(oauthSecretBindingNames("not json")).toEqual([]);
    expect(oauthSecretBindingNames('{"clientSecretBinding":"X"}')).toEqual([]);
    expect(oauthSecretBindingNames(entries)).toEqual(["OP_CLIENT_SECRET", "APPLE_PRIVATE_KEY"]);
  });
});
