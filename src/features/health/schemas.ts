// The documented shape of GET /healthz (service.ts's Health).
import { z } from "zod";

export const HealthResponse = z.object({
  status: z.enum(["ok", "degraded"]),
  db: z.union([
    z.object({ ok: z.literal(true), latencyMs: z.number() }),
    z.object({ ok: z.literal(false), reason: z.enum(["timeout", "unreachable"]) }),
  ]),
  kv: z.object({ ok: z.boolean() }),
  routes: z.union([z.object({ ok: z.literal(true) }), z.object({ ok: z.literal(false), reason: z.string() })]),
});
