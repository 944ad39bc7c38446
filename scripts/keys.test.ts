// `npm run keys`: the printed secrets are usable as they are, and rotation keeps the old keys.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { paths } from "./lib/paths.ts";

function runKeys(args: string[] = [], input?: string): string {
  const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/keys.ts", ...args], {
    cwd: paths.root,
    input,
    encoding: "utf8",
  });
  expect(result.status).toBe(0);
  return result.stdout;
}

type KeySet = { current: string; keys: Array<Record<string, string>> };

describe("npm run keys", () => {
  it("prints a P-256 private JWK set with a current kid, and a 256-bit AUTH_SECRET", () => {
    const output = runKeys();
    const set = JSON.parse(/SIGNING_KEYS='(.+)'/.exec(output)?.[1] ?? "") as KeySet;
    expect(set.keys).toHaveLength(1);
    expect(set.keys[0]).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", kid: set.current });
    expect(set.keys[0]?.d).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const secret = /AUTH_SECRET='(.+)'/.exec(output)?.[1] ?? "";
    expect(Buffer.from(secret, "base64url")).toHaveLength(32);
  });

  it("rotates: a new current key first, the previous keys kept for verification", () => {
    const first = JSON.parse(/SIGNING_KEYS='(.+)'/.exec(runKeys())?.[1] ?? "") as KeySet;
    const rotated = JSON.parse(runKeys(["--rotate"], JSON.stringify(first))) as KeySet;
    expect(rotated.keys).toHaveLength(2);
    expect(rotated.current).not.toBe(first.current);
    expect(rotated.keys.map((key) => key.kid)).toEqual([rotated.current, first.current]);
  });

  it("prints a fresh 256-bit key for ENCRYPTION_KEYS", () => {
    const [first, second] = [runKeys(["--encryption-key"]), runKeys(["--encryption-key"])].map(
      (output) => output.trim().split("\n").at(-1) ?? "",
    );
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(first ?? "", "base64url")).toHaveLength(32);
    expect(second).not.toBe(first);
  });
});
