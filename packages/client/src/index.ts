// @portcullis/client: a typed fetch client for the Portcullis gateway's API (cookie and bearer modes).
export {
  type AuthenticatedFetch,
  type BearerClientOptions,
  type CommonClientOptions,
  createBearerClient,
  createCookieClient,
  DEFAULT_CLIENT_OPTIONS,
  type PortcullisBearerClient,
  type PortcullisClient,
} from "./client.ts";
export {
  type ErrorBody,
  type ErrorCode,
  isErrorBody,
  PortcullisError,
  readError,
  type SessionEndedCode,
  SessionEndedError,
} from "./errors.ts";
export type { FetchLike } from "./refresh.ts";
export type { components, operations, paths } from "./schema.ts";
export type { DeliveredTokens, HeldTokens } from "./tokens.ts";
