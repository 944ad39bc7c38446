// WebSocket→TCP relay: lets the Neon serverless driver reach a plain PostgreSQL exactly as it reaches Neon.

import type { AddressInfo } from "node:net";
import { createConnection } from "node:net";
import { WebSocketServer } from "ws";

export type RelayOptions = {
  /** Loopback port to listen on; 0 picks a free one. */
  port: number;
  /**
   * The only `host:port` targets the relay will open, so it can never be used to reach anything
   * but the local database.
   */
  allowedTargets: string[];
};

export type Relay = {
  /** `127.0.0.1:<port>`, the value for NEON_LOCAL_RELAY. */
  address: string;
  port: number;
  close(): Promise<void>;
};

/** Starts the relay on 127.0.0.1. Each WebSocket on `/v1?address=host:port` becomes one TCP socket. */
export async function startRelay(options: RelayOptions): Promise<Relay> {
  const allowed = new Set(options.allowedTargets);
  const server = new WebSocketServer({ host: "127.0.0.1", port: options.port });

  server.on("connection", (socket, request) => {
    const url = new URL(request.url ?? "/", "http://relay");
    const target = url.searchParams.get("address") ?? "";
    if (url.pathname !== "/v1" || !allowed.has(target)) {
      socket.close(1008, "target not allowed");
      return;
    }
    const separator = target.lastIndexOf(":");
    const tcp = createConnection({ host: target.slice(0, separator), port: Number(target.slice(separator + 1)) });
    const pending: Buffer[] = [];

    tcp.on("connect", () => {
      for (const chunk of pending) tcp.write(chunk);
      pending.length = 0;
    });
    tcp.on("data", (chunk) => socket.send(chunk));
    tcp.on("error", () => socket.close(1011, "database unreachable"));
    tcp.on("close", () => socket.close());

    socket.on("message", (data) => {
      const chunk = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      if (tcp.connecting) pending.push(chunk);
      else tcp.write(chunk);
    });
    socket.on("close", () => tcp.destroy());
    socket.on("error", () => tcp.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    address: `127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}
