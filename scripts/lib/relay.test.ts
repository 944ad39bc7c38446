import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { findFreePort } from "./free-port.ts";
import { type Relay, startRelay } from "./relay.ts";

const open: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const item of open.splice(0)) await item.close();
});

async function startEchoServer(): Promise<{ server: Server; target: string }> {
  const server = createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  open.push({ close: () => new Promise((resolve) => server.close(resolve)) });
  return { server, target: `127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function relayFor(targets: string[]): Promise<Relay> {
  const relay = await startRelay({ port: 0, allowedTargets: targets });
  open.push(relay);
  return relay;
}

function connect(relay: Relay, target: string): WebSocket {
  return new WebSocket(`ws://${relay.address}/v1?address=${target}`);
}

const closed = (socket: WebSocket) =>
  new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );

describe("WebSocket→TCP relay", () => {
  it("listens on loopback only", async () => {
    const relay = await relayFor([]);
    expect(relay.address).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it("pipes binary frames to the allowed TCP target and back, including bytes sent before TCP connects", async () => {
    const { target } = await startEchoServer();
    const relay = await relayFor([target]);
    const socket = connect(relay, target);
    const received: Buffer[] = [];
    socket.on("message", (data) => received.push(Buffer.from(data as Buffer)));
    await new Promise((resolve) => socket.once("open", resolve));
    socket.send(Buffer.from([0, 1, 2, 255]));
    socket.send(Buffer.from("hello"));

    await expect.poll(() => Buffer.concat(received).length).toBe(9);
    expect(Buffer.concat(received)).toEqual(Buffer.concat([Buffer.from([0, 1, 2, 255]), Buffer.from("hello")]));
    socket.close();
  });

  it("refuses a target that is not on its allowlist (policy violation, 1008)", async () => {
    const { target } = await startEchoServer();
    const relay = await relayFor(["127.0.0.1:1"]);
    const socket = connect(relay, target);
    expect(await closed(socket)).toEqual({ code: 1008, reason: "target not allowed" });
  });

  it("refuses a path other than /v1", async () => {
    const { target } = await startEchoServer();
    const relay = await relayFor([target]);
    const socket = new WebSocket(`ws://${relay.address}/other?address=${target}`);
    expect((await closed(socket)).code).toBe(1008);
  });

  it("closes the WebSocket when the database port has nothing listening", async () => {
    const deadTarget = `127.0.0.1:${await findFreePort()}`;
    const relay = await relayFor([deadTarget]);
    const socket = connect(relay, deadTarget);
    expect(await closed(socket)).toEqual({ code: 1011, reason: "database unreachable" });
  });

  it("closes the TCP side when the WebSocket closes", async () => {
    const { server, target } = await startEchoServer();
    const relay = await relayFor([target]);
    const socket = connect(relay, target);
    await new Promise((resolve) => socket.once("open", resolve));
    await expect.poll(() => new Promise((resolve) => server.getConnections((_, count) => resolve(count)))).toBe(1);
    socket.close();
    await expect.poll(() => new Promise((resolve) => server.getConnections((_, count) => resolve(count)))).toBe(0);
  });
});
