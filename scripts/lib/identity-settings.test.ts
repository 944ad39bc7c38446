// npm run dev hands the Worker the identity settings and exactly the secrets their entries name.
import { describe, expect, it } from "vitest";
import { identitySettingNames } from "./identity-settings.ts";

describe("identitySettingNames", () => {
  it("lists the settings that are set and the secret bindings the social entries name", () => {
    const env = {
      OAUTH_PROVIDERS: JSON.stringify([
        { id: "google", clientSecretBinding: "GOOGLE_CLIENT_SECRET" },
        { id: "apple", privateKeyBinding: "APPLE_PRIVATE_KEY" },
        { id: "missing", clientSecretBinding: "NOT_SET" },
        { id: "odd", clientSecretBinding: "not a name" },
      ]),
      GOOGLE_CLIENT_SECRET: "s1",
      APPLE_PRIVATE_KEY: "pem",
      HOME: "/root",
    };
    expect(identitySettingNames(env)).toEqual(["OAUTH_PROVIDERS", "GOOGLE_CLIENT_SECRET", "APPLE_PRIVATE_KEY"]);
  });

  it("hands over nothing when neither setting is set, and only the settings when the JSON is broken", () => {
    expect(identitySettingNames({ HOME: "/root" })).toEqual([]);
    expect(identitySettingNames({ OAUTH_PROVIDERS: "{", FEDERATED_ISSUERS: "[]" })).toEqual([
      "OAUTH_PROVIDERS",
      "FEDERATED_ISSUERS",
    ]);
  });
});
