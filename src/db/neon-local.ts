// Points the Neon serverless driver at the local WebSocket→TCP relay (development and tests only).
import { neonConfig } from "@neondatabase/serverless";

let configuredRelay: string | undefined;

/**
 * The driver's settings are module-global, so this runs once per isolate. Against real Neon it is
 * never called and the driver keeps its defaults (wss://, pipelining).
 */
export function useLocalRelay(relay: string): void {
  if (configuredRelay === relay) return;
  neonConfig.wsProxy = (host, port) => `${relay}/v1?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
  configuredRelay = relay;
}
