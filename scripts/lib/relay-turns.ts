// Counts the round trips on each relayed PostgreSQL connection (the bench's `--count`): a turn is a
// client→server burst that follows data from the server, and a connection's turns until the server's
// first ReadyForQuery are its start-up (authentication), reported apart from the queries.

/** One client→server burst and when the server first answered it (null: never, e.g. Terminate). */
export type Turn = {
  startedAt: number;
  answeredAt: number | null;
  /** True for the connection's own start-up (before the server's first ReadyForQuery). */
  startup: boolean;
  clientBytes: number;
};

export type ConnectionRecord = {
  id: number;
  openedAt: number;
  closedAt: number | null;
  turns: Turn[];
};

export type RelayStats = {
  /** Connections whose WebSocket is still open. */
  open: number;
  /** Every connection so far (the latest `MAX_RECORDS`), oldest first. */
  connections: ConnectionRecord[];
};

const MAX_RECORDS = 1000;
const READY_FOR_QUERY = 0x5a; // 'Z'
const SSL_REQUEST_CODE = 80877103;
const GSSENC_REQUEST_CODE = 80877104;

/** Epoch milliseconds with sub-millisecond resolution, comparable across processes on one machine. */
export const nowEpochMs = () => performance.timeOrigin + performance.now();

/**
 * Finds the first ReadyForQuery in the server's byte stream. After the start-up every server message
 * is a type byte and a 4-byte length; an SSL or GSS request is first answered with a single byte.
 */
function readyForQueryFinder() {
  let buffered = Buffer.alloc(0);
  let singleByteAnswers = 0;
  return {
    clientStarted(first: Buffer) {
      const code = first.length >= 8 ? first.readInt32BE(4) : 0;
      if (code === SSL_REQUEST_CODE || code === GSSENC_REQUEST_CODE) singleByteAnswers = 1;
    },
    /** True once the server's bytes so far contain a complete ReadyForQuery. */
    serverSent(chunk: Buffer): boolean {
      buffered = Buffer.concat([buffered, chunk]);
      let offset = 0;
      if (singleByteAnswers > 0 && buffered.length > 0) {
        offset = singleByteAnswers;
        singleByteAnswers = 0;
      }
      while (buffered.length - offset >= 5) {
        const type = buffered[offset];
        const length = buffered.readInt32BE(offset + 1);
        if (buffered.length - offset < 1 + length) break;
        if (type === READY_FOR_QUERY) return true;
        offset += 1 + length;
      }
      buffered = buffered.subarray(offset);
      return false;
    },
  };
}

/** Turn bookkeeping for one connection; `now` is injected so tests control time. */
function connectionCounter(record: ConnectionRecord, now: () => number) {
  const finder = readyForQueryFinder();
  let ready = false;
  let answeredSinceLastSend = false;
  return {
    clientSent(chunk: Buffer) {
      const last = record.turns.at(-1);
      if (!last) finder.clientStarted(chunk);
      if (!last || answeredSinceLastSend) {
        record.turns.push({ startedAt: now(), answeredAt: null, startup: !ready, clientBytes: chunk.length });
      } else {
        last.clientBytes += chunk.length;
      }
      answeredSinceLastSend = false;
    },
    serverSent(chunk: Buffer) {
      const last = record.turns.at(-1);
      if (last && last.answeredAt === null) last.answeredAt = now();
      answeredSinceLastSend = true;
      if (!ready && finder.serverSent(chunk)) ready = true;
    },
    closed() {
      record.closedAt ??= now();
    },
  };
}

export type ConnectionCounter = ReturnType<typeof connectionCounter>;

/** Keeps a record of every connection's turns; `stats()` is a copy safe to serialise. */
export function createTurnRecorder(now: () => number = nowEpochMs) {
  const records: ConnectionRecord[] = [];
  let nextId = 1;
  let open = 0;
  return {
    opened(): ConnectionCounter {
      const record: ConnectionRecord = { id: nextId++, openedAt: now(), closedAt: null, turns: [] };
      records.push(record);
      if (records.length > MAX_RECORDS) records.shift();
      open++;
      const counter = connectionCounter(record, now);
      return {
        ...counter,
        closed() {
          if (record.closedAt === null) open--;
          counter.closed();
        },
      };
    },
    stats(): RelayStats {
      return { open, connections: structuredClone(records) };
    },
  };
}

export type TurnRecorder = ReturnType<typeof createTurnRecorder>;

/**
 * The most turns that follow one another (each sent after the previous one was answered), across
 * connections: on one connection every answered turn, on several the chain a request waited through.
 */
export function sequentialRoundTrips(turns: Turn[]): number {
  const answered = turns
    .filter((turn): turn is Turn & { answeredAt: number } => turn.answeredAt !== null)
    .sort((a, b) => a.answeredAt - b.answeredAt);
  let count = 0;
  let lastAnswer = Number.NEGATIVE_INFINITY;
  for (const turn of answered) {
    if (turn.startedAt < lastAnswer) continue;
    count++;
    lastAnswer = turn.answeredAt;
  }
  return count;
}
