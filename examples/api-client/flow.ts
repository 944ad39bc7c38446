// What an API client (a CLI, a backend job, a mobile app) does with the gateway, in bearer mode through
// @portcullis/client: sign in, read the session, call the app behind the gateway, manage sessions, sign out.
// Expected refusals are returned as values; a session that ended (the refresh was refused) throws
// SessionEndedError from whichever call noticed it.
import {
  createBearerClient,
  type ErrorCode,
  type FetchLike,
  type PortcullisBearerClient,
  type SessionEndedError,
} from "@portcullis/client";

export type ApiClientOptions = {
  /** The gateway's URL, e.g. http://127.0.0.1:8787. */
  gatewayUrl: string;
  /** @default globalThis.fetch */
  fetch?: FetchLike;
  /** The client's clock in milliseconds (it decides when the access token is due for a refresh). @default Date.now */
  now?: () => number;
  /** Called once when the gateway refuses the refresh token: the user has to sign in again. */
  onSessionEnded?: (error: SessionEndedError) => void;
};

export type Credentials = { email: string; password: string };

/** A refusal as the gateway explained it: its status and documented code (never a token). */
export type Refused = { kind: "refused"; status: number; code: ErrorCode; message: string };

export type SignInResult =
  | { kind: "signed_in"; sessionId: string }
  | { kind: "mfa_required"; methods: string[] }
  | { kind: "verification_required" }
  | Refused;

export type Me = { userId: string; email: string; sessionId: string; amr: string[] };

export type DeviceSession = { id: string; current: boolean; lastSeenAt: string; userAgent: string | null };

export type AppAnswer = { status: number; contentType: string; body: unknown };

type ErrorAnswer = { error: { error: { code: ErrorCode; message: string } }; response: Response };

const refused = ({ error, response }: ErrorAnswer): Refused => ({
  kind: "refused",
  status: response.status,
  code: error.error.code,
  message: error.error.message,
});

/** A bearer client for the gateway: it holds the tokens of the sign-in answers it sees and refreshes them. */
export function connect(options: ApiClientOptions): PortcullisBearerClient {
  return createBearerClient({
    baseUrl: options.gatewayUrl,
    fetch: options.fetch,
    now: options.now,
    onSessionEnded: options.onSessionEnded,
  });
}

/** Signs in with a password; `client: "api"` asks for the tokens in the body (no cookies). */
export async function signIn(client: PortcullisBearerClient, credentials: Credentials): Promise<SignInResult> {
  const { data, error, response } = await client.POST("/auth/login", { body: { ...credentials, client: "api" } });
  if (error) return refused({ error, response });
  // A second factor is due: answer data.challenge at POST /auth/mfa/verify (not shown here).
  if (data.status === "mfa_required") return { kind: "mfa_required", methods: data.methods };
  return { kind: "signed_in", sessionId: data.session.id };
}

/** Creates an account; where the gateway requires a verified email first, the user reads their inbox. */
export async function signUp(client: PortcullisBearerClient, credentials: Credentials): Promise<SignInResult> {
  const { data, error, response } = await client.POST("/auth/signup", { body: { ...credentials, client: "api" } });
  if (error) return refused({ error, response });
  if (data.status === "verification_required") return { kind: "verification_required" };
  return { kind: "signed_in", sessionId: data.session.id };
}

/** Who the gateway says we are. */
export async function whoAmI(client: PortcullisBearerClient): Promise<Me | Refused> {
  const { data, error, response } = await client.GET("/auth/session");
  if (error) return refused({ error, response });
  return { userId: data.user.id, email: data.user.email, sessionId: data.session.id, amr: data.session.amr };
}

/** Calls a route of the app behind the gateway (e.g. `${gateway}/api/orders`); the gateway vouches for us to it. */
export async function callApp(
  client: PortcullisBearerClient,
  url: string | URL,
  init: RequestInit = {},
): Promise<AppAnswer> {
  const headers = new Headers(init.headers);
  if (!headers.has("accept")) headers.set("accept", "application/json");
  const response = await client.fetch(url, { ...init, headers });
  const contentType = response.headers.get("content-type") ?? "";
  const body = contentType.includes("application/json") ? await response.json() : await response.text();
  return { status: response.status, contentType, body };
}

/** The account's signed-in devices. */
export async function listSessions(client: PortcullisBearerClient): Promise<DeviceSession[] | Refused> {
  const { data, error, response } = await client.GET("/auth/sessions");
  if (error) return refused({ error, response });
  return data.sessions.map(({ id, current, lastSeenAt, userAgent }) => ({ id, current, lastSeenAt, userAgent }));
}

/** Signs another device out (one of listSessions' ids). */
export async function revokeSession(client: PortcullisBearerClient, sessionId: string): Promise<"revoked" | Refused> {
  const { error, response } = await client.DELETE("/auth/sessions/{id}", { params: { path: { id: sessionId } } });
  return error ? refused({ error, response }) : "revoked";
}

/** Ends this session at the gateway; the client drops its tokens. */
export async function signOut(client: PortcullisBearerClient): Promise<"signed_out" | Refused> {
  const refreshToken = client.tokens()?.refreshToken;
  if (!refreshToken) return "signed_out";
  const { error, response } = await client.POST("/auth/logout", { body: { refreshToken } });
  return error ? refused({ error, response }) : "signed_out";
}
