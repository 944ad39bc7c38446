// The relay's round-trip record (`npm run bench -- --count`), over real sockets: a WebSocket client
// and a TCP server that speaks just enough of PostgreSQL's protocol for its start-up and queries.
import type { AddressInfo } from "node:net";
import { createServer, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { type Relay, startRelay } from "./relay.ts";
import { type ConnectionRecord, sequentialRoundTrips } from "./relay-turns.ts";

const open: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const item of open.splice(0)) await item.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A typed protocol message: type byte, 4-byte length (itself included), payload. */
function message(type: string, payload: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, "latin1");
  head.writeInt32BE(4 + payload.length, 1);
  return Buffer.concat([head, payload]);
}

function untyped(code: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(8);
  head.writeInt32BE(8 + payload.length, 0);
  head.writeInt32BE(code, 4);
  return Buffer.concat([head, payload]);
}

const SSL_REQUEST = untyped(80877103);
const STARTUP = untyped(196608, Buffer.from("user\0bench\0\0"));
const PASSWORD = message("p", Buffer.from("secret\0"));
const query = (sql: string) => message("Q", Buffer.from(`${sql}\0`));
const TERMINATE = message("X");
const AUTH_CLEARTEXT = message("R", Buffer.from([0, 0, 0, 3]));
const AUTH_OK = message("R", Buffer.from([0, 0, 0, 0]));
const READY = message("Z", Buffer.from("I"));
const COMMAND_COMPLETE = message("C", Buffer.from("SELECT 1\0"));

/**
 * Answers an SSL request with 'N', the start-up with a password request, the password with
 * AuthenticationOk and a ReadyForQuery split over two writes, and each whole query with its result
 * 20 ms later.
 */
function answerLikePostgres(socket: Socket): void {
  let buffered = Buffer.alloc(0);
  let phase: "startup" | "password" | "ready" = "startup";
  socket.on("data", async (chunk) => {
    buffered = Buffer.concat([buffered, chunk]);
    for (;;) {
      if (phase === "startup") {
        if (buffered.length < 8 || buffered.length < buffered.readInt32BE(0)) return;
        const length = buffered.readInt32BE(0);
        const isSsl = buffered.readInt32BE(4) === 80877103;
        buffered = buffered.subarray(length);
        if (isSsl) socket.write("N");
        else {
          phase = "password";
          socket.write(AUTH_CLEARTEXT);
        }
        continue;
      }
      if (buffered.length < 5 || buffered.length < 1 + buffered.readInt32BE(1)) return;
      const type = String.fromCharCode(buffered[0] ?? 0);
      buffered = buffered.subarray(1 + buffered.readInt32BE(1));
      if (type === "p") {
        phase = "ready";
        socket.write(Buffer.concat([AUTH_OK, READY.subarray(0, 3)]));
        await sleep(20);
        socket.write(READY.subarray(3));
      } else if (type === "Q") {
        await sleep(20); // long enough that queries sent together on two connections overlap
        socket.write(Buffer.concat([COMMAND_COMPLETE, READY]));
      } else if (type === "X") socket.end();
    }
  });
}

async function startFakePostgres(): Promise<string> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    answerLikePostgres(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  open.push({
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  });
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function recordingRelay(target: string): Promise<Relay> {
  const relay = await startRelay({ port: 0, allowedTargets: [target], recordTurns: true });
  open.push(relay);
  return relay;
}

/** A WebSocket to the relay that can wait until a given number of bytes has come back. */
async function connectClient(relay: Relay, target: string) {
  const socket = new WebSocket(`ws://${relay.address}/v1?address=${target}`);
  let received = 0;
  socket.on("message", (data) => {
    received += (data as Buffer).length;
  });
  await new Promise((resolve) => socket.once("open", resolve));
  return {
    socket,
    send: (...chunks: Buffer[]) => {
      for (const chunk of chunks) socket.send(chunk);
    },
    waitForBytes: (total: number) => expect.poll(() => received, { timeout: 5_000 }).toBe(total),
  };
}

const lastConnection = (relay: Relay): ConnectionRecord | undefined => relay.stats()?.connections.at(-1);
const summary = (record: ConnectionRecord | undefined) =>
  record?.turns.map((turn) => ({ startup: turn.startup, answered: turn.answeredAt !== null, bytes: turn.clientBytes }));

/** Start-up through the relay: start-up message, password, then ReadyForQuery. */
async function signIn(client: Awaited<ReturnType<typeof connectClient>>, receivedBefore = 0) {
  client.send(STARTUP);
  await client.waitForBytes(receivedBefore + AUTH_CLEARTEXT.length);
  client.send(PASSWORD);
  await client.waitForBytes(receivedBefore + AUTH_CLEARTEXT.length + AUTH_OK.length + READY.length);
}

const AFTER_SIGN_IN = AUTH_CLEARTEXT.length + AUTH_OK.length + READY.length;
const ANSWER = COMMAND_COMPLETE.length + READY.length;

describe("relay round-trip record", () => {
  it("counts a burst sent in pieces as one round trip, and the start-up apart from the queries", async () => {
    const target = await startFakePostgres();
    const relay = await recordingRelay(target);
    const client = await connectClient(relay, target);
    await signIn(client);
    const select = query("SELECT 1");
    client.send(select.subarray(0, 4), select.subarray(4)); // one burst in two WebSocket messages
    await client.waitForBytes(AFTER_SIGN_IN + ANSWER);
    client.send(query("SELECT 2"));
    await client.waitForBytes(AFTER_SIGN_IN + 2 * ANSWER);
    client.send(TERMINATE);
    client.socket.close();
    await expect.poll(() => relay.stats()?.open, { timeout: 5_000 }).toBe(0);

    expect(summary(lastConnection(relay))).toEqual([
      { startup: true, answered: true, bytes: STARTUP.length },
      { startup: true, answered: true, bytes: PASSWORD.length },
      { startup: false, answered: true, bytes: select.length },
      { startup: false, answered: true, bytes: query("SELECT 2").length },
      { startup: false, answered: false, bytes: TERMINATE.length }, // Terminate gets no answer: no round trip
    ]);
    const record = lastConnection(relay);
    expect(record?.closedAt).toBeGreaterThanOrEqual(record?.openedAt ?? Number.POSITIVE_INFINITY);
    const queries = record?.turns.filter((turn) => !turn.startup) ?? [];
    expect(sequentialRoundTrips(queries)).toBe(2);
  });

  it("takes an SSL request's one-byte answer as part of the start-up", async () => {
    const target = await startFakePostgres();
    const relay = await recordingRelay(target);
    const client = await connectClient(relay, target);
    client.send(SSL_REQUEST);
    await client.waitForBytes(1);
    await signIn(client, 1);
    client.send(query("SELECT 1"));
    await client.waitForBytes(1 + AFTER_SIGN_IN + ANSWER);
    expect(summary(lastConnection(relay))?.map((turn) => turn.startup)).toEqual([true, true, true, false]);
    client.socket.close();
  });

  it("counts queries on two connections at once as one sequential round trip, and serves the record at GET /stats", async () => {
    const target = await startFakePostgres();
    const relay = await recordingRelay(target);
    const clients = [await connectClient(relay, target), await connectClient(relay, target)];
    for (const client of clients) await signIn(client);
    for (const client of clients) client.send(query("SELECT 1"));
    for (const client of clients) await client.waitForBytes(AFTER_SIGN_IN + ANSWER);
    for (const client of clients) client.send(query("SELECT 2"));
    for (const client of clients) await client.waitForBytes(AFTER_SIGN_IN + 2 * ANSWER);

    const served = await (await fetch(`http://${relay.address}/stats`)).json();
    expect(served).toEqual(relay.stats());
    expect(relay.stats()?.open).toBe(2);
    const queries = (relay.stats()?.connections ?? []).flatMap((c) => c.turns).filter((turn) => !turn.startup);
    expect(queries).toHaveLength(4);
    expect(sequentialRoundTrips(queries)).toBe(2);
    for (const client of clients) client.socket.close();
  });

  it("records nothing and serves no statistics unless asked to", async () => {
    const target = await startFakePostgres();
    const relay = await startRelay({ port: 0, allowedTargets: [target] });
    open.push(relay);
    const client = await connectClient(relay, target);
    await signIn(client);
    expect(relay.stats()).toBeUndefined();
    expect((await fetch(`http://${relay.address}/stats`)).status).toBe(426);
    client.socket.close();
  });
});
