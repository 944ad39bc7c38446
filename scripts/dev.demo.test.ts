// `npm run dev` with no route table puts the demo origin behind / and says so; with a table it does not.
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevProcess, spawnDev, waitForGateway } from "./lib/dev-process.ts";
import { findFreePort } from "./lib/free-port.ts";

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "portcullis-dev-demo-"));
  await chmod(dataDir, 0o755);
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

async function startDev(env: Record<string, string>): Promise<{ dev: DevProcess; port: number }> {
  const [port, pgPort] = await Promise.all([findFreePort(), findFreePort()]);
  const dev = spawnDev({
    PORTCULLIS_DATA_DIR: dataDir,
    PORTCULLIS_PG_PORT: String(pgPort),
    PORT: String(port),
    ISSUER: `http://localhost:${port}`,
    ...env,
  });
  await waitForGateway(port, dev);
  return { dev, port };
}

async function stop(dev: DevProcess): Promise<void> {
  dev.child.kill("SIGINT");
  expect(await dev.exited).toBe(0);
}

describe("npm run dev's demo", () => {
  it("routes / to the demo origin, which shows the identity whose assertion verified", async () => {
    const { dev, port } = await startDev({ GATEWAY_ROUTES: "" });
    try {
      expect(dev.output()).toContain(`open http://localhost:${port}/ and sign up`);
      expect(dev.output()).toContain(`shown at http://localhost:${port}/dev/mail`);
      expect(dev.output()).toContain(`http://localhost:${port}/secure asks for a second factor`);

      const gateway = `http://127.0.0.1:${port}`;
      const signup = await fetch(`${gateway}/auth/signup`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "newcomer@example.com", password: "Tessellate lanterns 4711 x", client: "api" }),
      });
      expect(signup.status).toBe(201);
      const { session } = (await signup.json()) as { session: { accessToken: string } };
      const authorization = `Bearer ${session.accessToken}`;

      const demo = await fetch(`${gateway}/`, { headers: { authorization } });
      expect(demo.status).toBe(200);
      const html = await demo.text();
      expect(html).toContain("Assertion verified");
      expect(html).toContain("<dd>newcomer@example.com</dd>");
      expect(html).toContain("<dd>bearer</dd>");

      const secure = await fetch(`${gateway}/secure`, { headers: { authorization } });
      expect(secure.status).toBe(401);
      expect(((await secure.json()) as { error: { code: string } }).error.code).toBe("second_factor_required");
    } finally {
      await stop(dev);
    }
  }, 120_000);

  it("stays off when the developer configured routes", async () => {
    const { dev } = await startDev({ GATEWAY_ROUTES: "[]" });
    try {
      expect(dev.output()).not.toContain("demo app");
    } finally {
      await stop(dev);
    }
  }, 120_000);
});
