// Points the Neon serverless driver at the local WebSocket→TCP relay (development and tests only).
import { neonConfig } from "@neondatabase/serverless";

let configuredRelay: string | undefined;

/**
 * The driver's settings are module-global, so this runs once per isolate. Against real Neon it is
 * never called and the driver keeps its defaults (wss://, TLS and connect pipelining).
 */
export function useLocalRelay(relay: string): void {
  if (configuredRelay === relay) return;
  neonConfig.wsProxy = (host, port) => `${relay}/v1?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  // No TLS to pipeline locally. The start-up and password messages still go out in one write
  // ("password" pipelining, as against Neon): the local server uses cleartext password auth too.
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = "password";
  configuredRelay = relay;
}
