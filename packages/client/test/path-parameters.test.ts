// Requests cannot be steered off the gateway route meant: "." and ".." path parameters are refused before
// sending, and the access token never goes to a URL whose origin is not the gateway's.
import { describe, expect, it } from "vitest";
import { createBearerClient, createCookieClient } from "../src/index.ts";

function recordingClients() {
  const sent: string[] = [];
  const fetch = async (request: Request) => {
    sent.push(`${request.method} ${new URL(request.url).pathname}`);
    return new Response("{}", { headers: { "content-type": "application/json" } });
  };
  const bearer = createBearerClient({ baseUrl: "https://gateway.example", fetch, tokens: { accessToken: "at" } });
  const cookie = createCookieClient({ baseUrl: "https://gateway.example", fetch });
  return { sent, clients: [bearer, cookie] };
}

describe("path parameters", () => {
  it("refuses a dot segment, which would reach another route with the caller's credentials", async () => {
    const { sent, clients } = recordingClients();
    for (const client of clients) {
      for (const role of ["..", "."]) {
        await expect(
          client.DELETE("/admin/users/{id}/platform-roles/{role}", { params: { path: { id: "user_1", role } } }),
        ).rejects.toThrow(TypeError);
      }
    }
    expect(sent).toEqual([]);
  });

  it("still sends other values, encoded (an encoded dot stays encoded, not a dot segment)", async () => {
    const { sent, clients } = recordingClients();
    for (const client of clients) {
      for (const role of ["a/..b", "%2e%2e", "..."]) {
        await client.DELETE("/admin/users/{id}/platform-roles/{role}", { params: { path: { id: "user_1", role } } });
      }
    }
    const once = [
      "DELETE /admin/users/user_1/platform-roles/a%2F..b",
      "DELETE /admin/users/user_1/platform-roles/%252e%252e",
      "DELETE /admin/users/user_1/platform-roles/...",
    ];
    expect(sent).toEqual([...once, ...once]);
  });
});

describe("URL tricks", () => {
  it("never attaches the access token to a URL whose origin is not the gateway's", async () => {
    const seen: (string | null)[] = [];
    const client = createBearerClient({
      baseUrl: "https://gateway.example",
      tokens: { accessToken: "at" },
      fetch: async (request) => {
        seen.push(request.headers.get("authorization"));
        return new Response("{}", { headers: { "content-type": "application/json" } });
      },
    });
    for (const url of [
      "https://gateway.example@evil.example/auth/session",
      "https://gateway.example.evil.example/auth/session",
      "https://evil.example/https://gateway.example/auth/session",
      "http://gateway.example/auth/session",
      "https://gateway.example:8443/auth/session",
    ]) {
      await client.fetch(url);
    }
    // A protocol-relative or doubled-slash path stays on the gateway's origin.
    await client.GET("//evil.example/auth/session" as "/auth/session");
    expect(seen).toEqual([null, null, null, null, null, "Bearer at"]);
  });
});
