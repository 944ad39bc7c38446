// One request measured in isolation: PostgreSQL connections and statements read from the server's
// statistics, round trips from the relay's record, each taken as a difference around the request.
import type pg from "pg";
import {
  type ConnectionRecord,
  nowEpochMs,
  type RelayStats,
  sequentialRoundTrips,
  type Turn,
} from "../lib/relay-turns.ts";

/** How long to wait for deferred work to finish and every connection to close. */
const QUIET_TIMEOUT_MS = 10_000;
const QUIET_POLL_MS = 10;

/** Where the counts come from: the relay's GET /stats and a client on another database of the server. */
export type CountProbe = { relayUrl: string; admin: pg.Client; database: string };

export type StatementCount = { query: string; calls: number };

export type Measurement = {
  status: number;
  responseMs: number;
  /** False when connections were still open after QUIET_TIMEOUT_MS (the counts may then be short). */
  settled: boolean;
  connections: { postgres: number; relay: number };
  statements: { calls: number; list: StatementCount[] };
  roundTrips: {
    /** Answered turns before each connection's first ReadyForQuery, summed over connections. */
    startup: number;
    /** Longest chain of query round trips (each sent after the previous one's answer) answered before the response. */
    beforeResponse: number;
    /** The same for those answered after the response arrived (deferred work). */
    afterResponse: number;
    /** Every answered query turn on every connection (equals the chains when one connection is used). */
    total: number;
    /** The longest chain before the response with the start-ups in it: the request's critical path. */
    beforeResponseWithStartup: number;
  };
  /** Each connection's turns in ms since the request was sent: [sent, answered or null, start-up?]. */
  timeline: Array<{ openedMs: number; closedMs: number | null; turns: Array<[number, number | null, boolean]> }>;
};

async function relayStats(probe: CountProbe): Promise<RelayStats> {
  const response = await fetch(`${probe.relayUrl}/stats`);
  if (!response.ok) throw new Error(`relay stats: ${response.status} (was it started with PORTCULLIS_RELAY_STATS=1?)`);
  return (await response.json()) as RelayStats;
}

async function sessionCount(probe: CountProbe): Promise<number> {
  const { rows } = await probe.admin.query<{ sessions: string }>(
    "SELECT sessions FROM pg_stat_database WHERE datname = $1",
    [probe.database],
  );
  return Number(rows[0]?.sessions ?? Number.NaN);
}

async function statementCalls(probe: CountProbe): Promise<Map<string, StatementCount>> {
  const { rows } = await probe.admin.query<{ key: string; query: string; calls: string }>(
    `SELECT userid || ':' || queryid || ':' || toplevel AS key, query, calls
       FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = $1)`,
    [probe.database],
  );
  return new Map(rows.map((row) => [row.key, { query: row.query, calls: Number(row.calls) }]));
}

async function backendCount(probe: CountProbe): Promise<number> {
  const { rows } = await probe.admin.query<{ count: number }>(
    "SELECT count(*)::int AS count FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'",
    [probe.database],
  );
  return rows[0]?.count ?? 0;
}

/**
 * Polls until the relay has no open connection and the database no client backend (a backend's
 * statistics are flushed before it leaves pg_stat_activity); false when that takes too long.
 */
export async function waitForQuiet(probe: CountProbe, timeoutMs = QUIET_TIMEOUT_MS): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await relayStats(probe)).open === 0 && (await backendCount(probe)) === 0) return true;
    await new Promise((resolve) => setTimeout(resolve, QUIET_POLL_MS));
  }
  return false;
}

/**
 * A turn answered before the response arrived may have been waited for; one answered later cannot
 * have been, even when it began a moment before (deferred work starts as the response leaves).
 */
function countRoundTrips(connections: ConnectionRecord[], responseAt: number): Measurement["roundTrips"] {
  const turns = connections.flatMap((connection) => connection.turns);
  const queries = turns.filter((turn) => !turn.startup);
  const answeredBefore = (turn: Turn) => turn.answeredAt !== null && turn.answeredAt < responseAt;
  const answered = (list: Turn[]) => list.filter((turn) => turn.answeredAt !== null).length;
  return {
    startup: answered(turns.filter((turn) => turn.startup)),
    beforeResponse: sequentialRoundTrips(queries.filter(answeredBefore)),
    afterResponse: sequentialRoundTrips(queries.filter((turn) => !answeredBefore(turn))),
    total: answered(queries),
    beforeResponseWithStartup: sequentialRoundTrips(turns.filter(answeredBefore)),
  };
}

function timelineOf(connections: ConnectionRecord[], sentAt: number): Measurement["timeline"] {
  const since = (at: number) => Math.round((at - sentAt) * 100) / 100;
  return connections.map((connection) => ({
    openedMs: since(connection.openedAt),
    closedMs: connection.closedAt === null ? null : since(connection.closedAt),
    turns: connection.turns.map((turn) => [
      since(turn.startedAt),
      turn.answeredAt === null ? null : since(turn.answeredAt),
      turn.startup,
    ]),
  }));
}

function statementDelta(before: Map<string, StatementCount>, after: Map<string, StatementCount>): StatementCount[] {
  const list: StatementCount[] = [];
  for (const [key, { query, calls }] of after) {
    const delta = calls - (before.get(key)?.calls ?? 0);
    if (delta > 0) list.push({ query, calls: delta });
  }
  return list.sort((a, b) => b.calls - a.calls || a.query.localeCompare(b.query));
}

export type MeasuredRequest = { measurement: Measurement; response: Response; body: string };

/** Waits for quiet, sends `request`, waits for quiet again and returns what happened in between. */
export async function measureRequest(probe: CountProbe, request: () => Promise<Response>): Promise<MeasuredRequest> {
  await waitForQuiet(probe);
  const lastIdBefore = (await relayStats(probe)).connections.at(-1)?.id ?? 0;
  const sessionsBefore = await sessionCount(probe);
  const statementsBefore = await statementCalls(probe);

  const sentAt = nowEpochMs();
  const response = await request();
  const responseAt = nowEpochMs();
  const body = await response.text();

  const settled = await waitForQuiet(probe);
  const connections = (await relayStats(probe)).connections.filter((connection) => connection.id > lastIdBefore);
  const list = statementDelta(statementsBefore, await statementCalls(probe));
  return {
    response,
    body,
    measurement: {
      status: response.status,
      responseMs: Math.round((responseAt - sentAt) * 10) / 10,
      settled,
      connections: { postgres: (await sessionCount(probe)) - sessionsBefore, relay: connections.length },
      statements: { calls: list.reduce((sum, statement) => sum + statement.calls, 0), list },
      roundTrips: countRoundTrips(connections, responseAt),
      timeline: timelineOf(connections, sentAt),
    },
  };
}
