// Sends the fuzz cases of one operation as one identity and records every broken rule, with the row
// counts compared around each request (a refused one may change only what refusals legitimately write).
import type { AuthTestContext } from "../auth.ts";
import { problemsWith } from "./checks.ts";
import { type FuzzIdentities, type IdentityKind, senderFor } from "./identities.ts";
import type { SeededRandom } from "./random.ts";
import { type FuzzCase, type FuzzOperation, INVALID_KINDS, invalidCase, validCase } from "./requests.ts";
import { changedTables, type RowCounter, type RowCounts, WRITES_ALLOWED_WHEN_REFUSED } from "./row-counts.ts";
import type { IdPool } from "./values.ts";

/** Requests sent, by "identity status" and by case kind. */
export type FuzzStats = { requests: number; byStatus: Record<string, number>; byKind: Record<string, number> };
export type FuzzRun = {
  ctx: AuthTestContext;
  identities: FuzzIdentities;
  counter: RowCounter;
  random: SeededRandom;
  ids: IdPool;
  secrets: readonly string[];
  stats: FuzzStats;
  /** Cases per operation and identity; a third of them valid. */
  runs: number;
};

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const MAX_POOLED_IDS = 64;

/** A client address per request (TEST-NET-3 and a documentation /48), so per-client limits stay open. */
function clientAddress(random: SeededRandom): string {
  return random.chance(0.8)
    ? `203.0.${random.int(0, 255)}.${random.int(1, 254)}`
    : `2001:db8:${random.hex(4)}:${random.hex(4)}::${random.hex(2)}`;
}

function casesFor(run: FuzzRun, op: FuzzOperation, offset: number): FuzzCase[] {
  const validCount = Math.max(1, Math.ceil(run.runs / 3));
  return Array.from({ length: run.runs }, (_unused, i) =>
    i < validCount
      ? validCase(op, run.random, run.ids)
      : invalidCase(op, INVALID_KINDS[(i + offset) % INVALID_KINDS.length] as string, run.random, run.ids),
  );
}

function poolIds(run: FuzzRun, text: string) {
  for (const match of text.matchAll(UUID)) if (run.ids.size < MAX_POOLED_IDS) run.ids.add(match[0]);
}

/** Fuzzes `op` as `kind`; returns the broken rules as "kind METHOD path: problem" lines. */
export async function fuzzOperation(
  run: FuzzRun,
  op: FuzzOperation,
  kind: IdentityKind,
  offset: number,
): Promise<string[]> {
  const failures: string[] = [];
  const admin = op.template.startsWith("/admin/");
  const writes = op.method !== "GET";
  const signedKind = kind === "anonymous" ? undefined : kind;
  let identity = signedKind ? await run.identities.live(signedKind, admin) : undefined;
  let before: RowCounts = writes ? await run.counter.counts() : {};
  for (const fuzzCase of casesFor(run, op, offset)) {
    const { client, bearer, origin } = senderFor(run.ctx, identity, fuzzCase.garbageAuth === true);
    const headers = { "cf-connecting-ip": clientAddress(run.random), ...fuzzCase.headers };
    const where = `${fuzzCase.kind} ${fuzzCase.method} ${fuzzCase.path.slice(0, 100)}`;
    let response: Response;
    try {
      response = await client.request(fuzzCase.path, {
        method: fuzzCase.method,
        headers,
        body: fuzzCase.body,
        bearer,
        origin,
      });
    } catch (error) {
      // The contract hook (test/helpers/contract.ts) throws on an undocumented status or body.
      failures.push(`${where}: ${(error as Error).message}`);
      run.stats.requests += 1;
      if (writes) before = await run.counter.counts();
      continue;
    }
    const text = await response.text();
    if (response.status < 300) poolIds(run, text);
    run.stats.requests += 1;
    const statusKey = `${kind} ${response.status}`;
    run.stats.byStatus[statusKey] = (run.stats.byStatus[statusKey] ?? 0) + 1;
    run.stats.byKind[fuzzCase.kind] = (run.stats.byKind[fuzzCase.kind] ?? 0) + 1;
    const sent = [fuzzCase.path, fuzzCase.body ?? "", bearer ?? "", [...client.cookies.values()].join(";")].join("\n");
    for (const problem of problemsWith({ status: response.status, headers: response.headers, text }, sent, run.secrets))
      failures.push(`${where}: ${problem}`);
    // GETs are not compared (none writes rows a refusal must not; comparing halves the run's time).
    if (writes) {
      const after = await run.counter.counts();
      const refused = response.status >= 400 && response.status < 500;
      const changed = refused ? changedTables(before, after, WRITES_ALLOWED_WHEN_REFUSED) : [];
      if (changed.length > 0)
        failures.push(`${where}: refused with ${response.status} yet wrote ${changed.join(", ")}`);
      before = after;
    }
    // A 401 to a signed-in identity may mean a case ended its session (logout, revocation, disabling).
    if (signedKind && response.status === 401) {
      identity = await run.identities.live(signedKind, admin);
      if (writes) before = await run.counter.counts();
    }
  }
  return failures;
}
