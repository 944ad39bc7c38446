// The part of oidc-provider's API the local test provider uses (the package ships no types).
declare module "oidc-provider" {
  import type { IncomingMessage, ServerResponse } from "node:http";

  export type Configuration = {
    clients: Array<Record<string, unknown>>;
    jwks: { keys: unknown[] };
    cookies: { keys: string[] };
    claims: Record<string, string[]>;
    features: Record<string, unknown>;
    interactions: { url: (ctx: unknown, interaction: { uid: string }) => string };
    pkce: { required: (ctx: unknown, client: unknown) => boolean };
    issueRefreshToken: (ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) => Promise<boolean>;
    rotateRefreshToken: boolean;
    ttl: Record<string, number>;
    findAccount: (
      ctx: unknown,
      id: string,
    ) => Promise<{ accountId: string; claims: () => Promise<Record<string, unknown>> } | undefined>;
  };

  export type InteractionDetails = {
    uid: string;
    prompt: { name: string };
    params: Record<string, unknown>;
    /** Present once the login step has finished (the consent step). */
    session?: { accountId: string };
  };

  export class Grant {
    constructor(properties: { accountId: string; clientId: string });
    addOIDCScope(scope: string): void;
    save(): Promise<string>;
  }

  export default class Provider {
    constructor(issuer: string, configuration: Configuration);
    Grant: typeof Grant;
    callback(): (request: IncomingMessage, response: ServerResponse) => void;
    interactionDetails(request: IncomingMessage, response: ServerResponse): Promise<InteractionDetails>;
    interactionResult(
      request: IncomingMessage,
      response: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<string>;
  }
}
