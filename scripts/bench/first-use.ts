// The first-use cost of what only a few routes need (the common-password list, the WebAuthn stack): in
// fresh `npm run dev` isolates, the first request to each route minus the median of the ones after it.
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { dictionary } from "@zxcvbn-ts/language-common";
import { startStack } from "./gateway-setup.ts";
import { percentile, timeEach } from "./stats.ts";

const STARTS = 5;
const FOLLOW_UPS = 20;

// A password on the list that meets the length rule: sign-up refuses it (400) before any database work.
const COMMON_PASSWORD = (dictionary["passwords-common"] as string[]).find((password) => password.length >= 12);

type Probe = { name: string; send: (baseUrl: string) => Promise<void> };

async function expectStatus(response: Response, status: number, what: string): Promise<void> {
  const body = await response.text();
  if (response.status !== status) throw new Error(`${what}: ${response.status} ${body}`);
}

const post = (baseUrl: string, path: string, body: unknown) =>
  fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseUrl },
    body: JSON.stringify(body),
  });

const PROBES: Probe[] = [
  {
    name: "signupCommonPassword",
    send: async (baseUrl) => {
      const email = `bench-${randomUUID()}@example.com`;
      await expectStatus(await post(baseUrl, "/auth/signup", { email, password: COMMON_PASSWORD }), 400, "signup");
    },
  },
  {
    name: "passkeyLoginOptions",
    send: async (baseUrl) => expectStatus(await post(baseUrl, "/auth/passkeys/login/options", {}), 200, "options"),
  },
];

export async function benchFirstUse(root: string) {
  if (!COMMON_PASSWORD) throw new Error("no common password of 12+ characters in the list");
  const results: Record<string, { firstMs: number[]; steadyMedianMs: number[]; firstUseMs: number[] }> = {};
  for (const probe of PROBES) results[probe.name] = { firstMs: [], steadyMedianMs: [], firstUseMs: [] };
  for (let start = 0; start < STARTS; start++) {
    const stack = await startStack(join(root, `first-use-${start}`));
    try {
      for (const probe of PROBES) {
        const [first = Number.NaN] = await timeEach(1, () => probe.send(stack.baseUrl));
        const steady = percentile(await timeEach(FOLLOW_UPS, () => probe.send(stack.baseUrl)), 50);
        const entry = results[probe.name];
        entry?.firstMs.push(Math.round(first * 10) / 10);
        entry?.steadyMedianMs.push(steady);
        entry?.firstUseMs.push(Math.round((first - steady) * 10) / 10);
      }
    } finally {
      await stack.stop();
    }
  }
  return Object.fromEntries(
    Object.entries(results).map(([name, entry]) => [
      name,
      { ...entry, firstUseMedianMs: percentile(entry.firstUseMs, 50), steadyMs: percentile(entry.steadyMedianMs, 50) },
    ]),
  );
}
