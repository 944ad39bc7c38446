// Gateway test helpers: what test/origin-server.ts echoes, and whether a request ever reached it.
import { testEnv } from "./env.ts";

/** What the echo origin answers: the request as it arrived, and its check of the assertion. */
export type Echo = {
  method: string;
  url: string;
  headers: Record<string, string | string[]>;
  rawHeaderNames: string[];
  bodyLength: number;
  bodySha256: string;
  assertion: { ok: true; claims: Record<string, unknown> } | { ok: false; error: string } | null;
};

/** The echo origin's base URL, as the test route table names it. */
export function echoOriginUrl(): string {
  const routes = JSON.parse(testEnv.GATEWAY_ROUTES) as Array<{ name: string; origin: string }>;
  const app = routes.find((route) => route.name === "app");
  if (!app) throw new Error("the test route table has no app route");
  return app.origin;
}

/** A fresh X-Test-Probe value: the origin remembers every probe it receives. */
export const newProbe = () => `probe-${crypto.randomUUID()}`;

/** True when a request carrying `probe` reached the echo origin. */
export async function originSaw(probe: string): Promise<boolean> {
  const response = await fetch(`${echoOriginUrl()}/__probe/${probe}`);
  return ((await response.json()) as { seen: boolean }).seen;
}
