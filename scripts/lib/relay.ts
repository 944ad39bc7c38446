// WebSocket→TCP relay: lets the Neon serverless driver reach a plain PostgreSQL exactly as it reaches Neon.

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createConnection } from "node:net";
import { WebSocketServer } from "ws";
import { createTurnRecorder, type RelayStats } from "./relay-turns.ts";

export type RelayOptions = {
  /** Loopback port to listen on; 0 picks a free one. */
  port: number;
  /**
   * The only `host:port` targets the relay will open, so it can never be used to reach anything
   * but the local database.
   */
  allowedTargets: string[];
  /**
   * Record every connection's round trips (`npm run bench -- --count`), readable with `stats()` and
   * at `GET /stats` on the relay's port. @default false
   */
  recordTurns?: boolean;
};

export type Relay = {
  /** `127.0.0.1:<port>`, the value for NEON_LOCAL_RELAY. */
  address: string;
  port: number;
  /** The connections and their turns so far; undefined unless `recordTurns` was set. */
  stats(): RelayStats | undefined;
  close(): Promise<void>;
};

/** Starts the relay on 127.0.0.1. Each WebSocket on `/v1?address=host:port` becomes one TCP socket. */
export async function startRelay(options: RelayOptions): Promise<Relay> {
  const allowed = new Set(options.allowedTargets);
  const recorder = options.recordTurns ? createTurnRecorder() : undefined;
  const http = createServer((request, response) => {
    if (recorder && request.method === "GET" && request.url === "/stats") {
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(recorder.stats()));
      return;
    }
    response.writeHead(426, { "content-type": "text/plain" }).end("Upgrade Required");
  });
  const server = new WebSocketServer({ server: http });

  server.on("connection", (socket, request) => {
    const url = new URL(request.url ?? "/", "http://relay");
    const target = url.searchParams.get("address") ?? "";
    if (url.pathname !== "/v1" || !allowed.has(target)) {
      socket.close(1008, "target not allowed");
      return;
    }
    const counter = recorder?.opened();
    const separator = target.lastIndexOf(":");
    const tcp = createConnection({ host: target.slice(0, separator), port: Number(target.slice(separator + 1)) });
    const pending: Buffer[] = [];

    tcp.on("connect", () => {
      for (const chunk of pending) tcp.write(chunk);
      pending.length = 0;
    });
    tcp.on("data", (chunk) => {
      counter?.serverSent(chunk);
      socket.send(chunk);
    });
    tcp.on("error", () => socket.close(1011, "database unreachable"));
    tcp.on("close", () => socket.close());

    socket.on("message", (data) => {
      const chunk = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      counter?.clientSent(chunk);
      if (tcp.connecting) pending.push(chunk);
      else tcp.write(chunk);
    });
    socket.on("close", () => {
      counter?.closed();
      tcp.destroy();
    });
    socket.on("error", () => tcp.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    http.once("listening", resolve);
    http.once("error", reject);
    http.listen(options.port, "127.0.0.1");
  });
  const port = (http.address() as AddressInfo).port;
  return {
    address: `127.0.0.1:${port}`,
    port,
    stats: () => recorder?.stats(),
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close();
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
