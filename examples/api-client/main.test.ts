// The api-client CLI as its README runs it, against the examples' gateway: it says who signed in and what
// the app answered, signs out, explains a refusal, and never prints a token.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { paths } from "../../scripts/lib/paths.ts";
import { gatewayUrl } from "../test-support/behind-gateway.ts";

const run = promisify(execFile);

/** Runs main.ts with `args`; resolves with its exit code and output whatever the code. */
async function cli(args: string[], env: Record<string, string> = {}) {
  const command = [process.execPath, ["--import", "tsx", "examples/api-client/main.ts", ...args]] as const;
  try {
    const { stdout, stderr } = await run(...command, { cwd: paths.root, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

// A JWT (access token) or a long base64url run (a refresh token is 43 characters).
const TOKEN_LIKE = /eyJ[\w-]+\.[\w-]+|[\w-]{40,}/;

describe("examples/api-client's CLI", () => {
  it("signs up, shows the user, calls the app behind the gateway, lists the session and signs out", async () => {
    const email = `api-cli-${randomUUID()}@example.com`;
    const password = `Quiet harbour ${randomUUID()}`;
    const args = ["--gateway", gatewayUrl(), "--email", email, "--sign-up", "--app-path", "/hono/items/7"];
    const { code, stdout, stderr } = await cli(args, { PORTCULLIS_PASSWORD: password });
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toMatch(
      new RegExp(`^signed in as ${email} \\(user [0-9a-f-]{36}, session [0-9a-f-]{36}, amr pwd\\)$`, "m"),
    );
    expect(stdout).toContain("app /hono/items/7 answered 200 (application/json");
    expect(stdout).toContain("1 signed-in session(s):");
    expect(stdout).toMatch(/\(this one\), last seen /);
    expect(stdout.trimEnd().split("\n").at(-1)).toBe("signed out");
    // What is left once the address and the ids it names are taken out holds nothing token-like.
    const rest = stdout.replaceAll(email, "").replace(/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}/g, "");
    expect(rest).not.toMatch(TOKEN_LIKE);
    expect(stdout).not.toContain(password);
  });

  it("explains a refused sign-in with the gateway's code, exiting 1", async () => {
    const args = ["--gateway", gatewayUrl(), "--email", `nobody-${randomUUID()}@example.com`];
    const { code, stdout } = await cli(args, { PORTCULLIS_PASSWORD: "not the password" });
    expect(code).toBe(1);
    expect(stdout).toMatch(/^sign-in refused: invalid_credentials \(HTTP 401\): /);
  });

  it("asks for the password in PORTCULLIS_PASSWORD, not on the command line", async () => {
    const { code, stderr } = await cli(["--gateway", gatewayUrl(), "--email", "ada@example.com"], {
      PORTCULLIS_PASSWORD: "",
    });
    expect(code).toBe(2);
    expect(stderr).toContain("PORTCULLIS_PASSWORD");
  });

  it("refuses to send the password over plain http to a host other than this machine", async () => {
    for (const gateway of ["http://gateway.example", "http://192.0.2.7:8787", "http://localhost.gateway.example"]) {
      const { code, stdout, stderr } = await cli(["--gateway", gateway, "--email", "ada@example.com"], {
        PORTCULLIS_PASSWORD: "Quiet harbour secret",
      });
      expect(code, gateway).toBe(2);
      expect(stderr, gateway).toContain("https");
      expect(stdout + stderr, gateway).not.toContain("Quiet harbour secret");
    }
  });
});
