// A browser-like client for the Worker: keeps cookies, sends a same-origin Origin, speaks JSON.
import type { WorkerClient } from "./worker.ts";

export type RequestOptions = {
  method?: string;
  json?: unknown;
  body?: BodyInit;
  headers?: Record<string, string>;
  /** Sent as `Authorization: Bearer …`. */
  bearer?: string;
  /** Origin header; defaults to the gateway's own (a same-origin browser request). Null omits it. */
  origin?: string | null;
};

export type SetCookie = { name: string; value: string; attributes: string[] };

export function parseSetCookie(header: string): SetCookie {
  const [pair = "", ...attributes] = header.split(";").map((part) => part.trim());
  const separator = pair.indexOf("=");
  return { name: pair.slice(0, separator), value: pair.slice(separator + 1), attributes };
}

/** Every Set-Cookie header of a response (workerd has Headers#getSetCookie; the types lag). */
export function setCookieHeaders(response: Response): string[] {
  return (response.headers as unknown as { getSetCookie(): string[] }).getSetCookie();
}

let clientCounter = 0;

export class TestClient {
  readonly cookies = new Map<string, string>();
  lastSetCookies: SetCookie[] = [];
  /** Each client looks like its own device: a distinct CF-Connecting-IP (TEST-NET/benchmark ranges). */
  readonly ip = `198.18.${Math.floor(++clientCounter / 250) % 250}.${(clientCounter % 250) + 1}`;

  constructor(
    readonly worker: WorkerClient,
    readonly baseUrl = "http://localhost",
  ) {}

  async request(path: string, options: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { "cf-connecting-ip": this.ip, ...options.headers };
    const method = options.method ?? (options.json === undefined && options.body === undefined ? "GET" : "POST");
    if (options.origin !== null && method !== "GET") headers.origin ??= options.origin ?? new URL(this.baseUrl).origin;
    if (options.json !== undefined) headers["content-type"] ??= "application/json";
    if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    const response = await this.worker.fetch(new URL(path, this.baseUrl).toString(), {
      method,
      headers,
      body: options.json !== undefined ? JSON.stringify(options.json) : options.body,
    });
    this.lastSetCookies = setCookieHeaders(response).map(parseSetCookie);
    for (const cookie of this.lastSetCookies) {
      const expired = cookie.attributes.some((attribute) => /^max-age=0$/i.test(attribute)) || cookie.value === "";
      if (expired) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    return response;
  }

  json<T = Record<string, unknown>>(response: Response): Promise<T> {
    return response.json() as Promise<T>;
  }
}
