// H2 (issue 10): the canonical path the gateway matches, forwards and signs.
import { describe, expect, it } from "vitest";
import { canonicalHost, canonicalizePath } from "./canonical.ts";

describe("canonicalizePath", () => {
  it("H2: decodes unreserved escapes, upper-cases the others and keeps everything else as sent", () => {
    expect(canonicalizePath("/%62ackoffice/%7Eu%2d%5f")).toMatchObject({ ok: true, path: "/backoffice/~u-_" });
    expect(canonicalizePath("/caf%c3%a9/a%20b/%3c")).toMatchObject({ ok: true, path: "/caf%C3%A9/a%20b/%3C" });
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

  it("H2: a double-encoded slash (%252F) or an encoded ; ? # is refused", () => {
    for (const path of [
      "/backoffice%252Fusers",
      "/%2562ackoffice/users",
      "/a%25",
      "/backoffice%3Bx/users",
      "/a%3b",
      "/a%3F/b",
      "/a%23/b",
    ]) {
      expect(canonicalizePath(path), path).toMatchObject({ ok: false });
    }
  });

  it("H2: a segment ending in . or a space (which Windows servers strip) is refused", () => {
    for (const path of [
      "/backoffice./users",
      "/backoffice../users",
      "/backoffice%20/users",
      "/a/b.",
      "/a;x./b",
      "/a.;x/b",
      "/a%20;x/b",
    ]) {
      expect(canonicalizePath(path), path).toMatchObject({ ok: false });
    }
    for (const path of ["/a.b/c", "/.well/x", "/a%20b", "/a;v=1.0/b", "/a/b.c/"]) {
      expect(canonicalizePath(path), path).toMatchObject({ ok: true });
    }
  });

  it("H2: escapes that are not UTF-8 (an overlong /, a lone continuation byte) are refused", () => {
    for (const path of ["/backoffice%C0%AFusers", "/a%E0%80%AF", "/a%80", "/a%C3", "/a%ED%A0%80", "/a%FF"]) {
      expect(canonicalizePath(path), path).toMatchObject({ ok: false });
    }
    expect(canonicalizePath("/%E2%82%AC/%F0%9F%98%80")).toMatchObject({ ok: true });
  });
});

describe("canonicalHost", () => {
  it("H2: lower-cases the host and drops a trailing dot and the port", () => {
    expect(canonicalHost(new URL("https://APP.Example.com.:8443/x"))).toBe("app.example.com");
    expect(canonicalHost(new URL("http://[::1]:8787/"))).toBe("[::1]");
  });
});
