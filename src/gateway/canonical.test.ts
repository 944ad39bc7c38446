// H2 (issue 10): the canonical path the gateway matches, forwards and signs.
import { describe, expect, it } from "vitest";
import { canonicalHost, canonicalizePath } from "./canonical.ts";

describe("canonicalizePath", () => {
  it("H2: decodes unreserved escapes, upper-cases the others and keeps everything else as sent", () => {
    expect(canonicalizePath("/%61dmin/%7Eu%2d%5f")).toMatchObject({ ok: true, path: "/admin/~u-_" });
    expect(canonicalizePath("/caf%c3%a9/a%20b/%25")).toMatchObject({ ok: true, path: "/caf%C3%A9/a%20b/%25" });
    expect(canonicalizePath("/")).toMatchObject({ ok: true, path: "/", matchPath: "/" });
    expect(canonicalizePath("/a/b/")).toMatchObject({ ok: true, path: "/a/b/", hasParameters: false });
    expect(canonicalizePath("/a;v=1/b;c")).toMatchObject({ ok: true, matchPath: "/a/b", hasParameters: true });
  });

  it("H2: refuses what cannot be made unambiguous", () => {
    const refused = [
      "/a%2Fb",
      "/a%2fb",
      "/a%5Cb",
      "/a%2eb",
      "/%2E%2E/a",
      "/a%00",
      "/a%0A",
      "/a%7F",
      "/a%",
      "/a%4",
      "/a%g0",
      "//a",
      "/a//b",
      "/;x/a",
      "/a/./b",
      "/a/../b",
      "/a\\b",
      "/a b",
      "/é",
      "a/b",
    ];
    for (const path of refused) expect(canonicalizePath(path).ok, path).toBe(false);
  });
});

describe("canonicalHost", () => {
  it("H2: lower-cases the host and drops a trailing dot and the port", () => {
    expect(canonicalHost(new URL("https://APP.Example.com.:8443/x"))).toBe("app.example.com");
    expect(canonicalHost(new URL("http://[::1]:8787/"))).toBe("[::1]");
  });
});
