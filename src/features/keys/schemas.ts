// The documented shape of GET /.well-known/jwks.json: public JWKs (RFC 7517), never a private member.
import { z } from "zod";

const PublicJwk = z.looseObject({
  kty: z.string(),
  kid: z.string(),
  alg: z.string().optional(),
  use: z.string().optional(),
  crv: z.string().optional(),
  x: z.string().optional(),
  y: z.string().optional(),
});

export const JwksResponse = z.object({ keys: z.array(PublicJwk) });
