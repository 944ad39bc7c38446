// The error contract: one JSON shape from one handler, for every kind of bad input.
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { testEnv } from "../../test/helpers/env.ts";
import { workerWith } from "../../test/helpers/worker.ts";
import type { AppEnv } from "./app-env.ts";
import { AppError } from "./app-error.ts";
import { limitBodySize, readJsonBody } from "./body.ts";
import { config } from "./config-middleware.ts";
import { handleError, handleNotFound } from "./error-handler.ts";
import { requestId } from "./request-id.ts";

type ErrorBody = {
  error: { code: string; message: string; fields?: { path: string; message: string }[]; requestId?: string };
};

const SignupLike = z.object({ email: z.email(), password: z.string().min(8), name: z.string().optional() });

// A small app assembled from the production middleware and handler, with routes that exercise them.
function contractApp() {
  const app = new Hono<AppEnv>();
  app.use(requestId(), config(), limitBodySize());
  app.post("/echo", async (c) => c.json(await readJsonBody(c, SignupLike)));
  app.get("/boom", () => {
    throw new Error("database password is hunter2 at /srv/app.ts:12");
  });
  app.get("/teapot", () => {
    throw new AppError("service_unavailable");
  });
  app.notFound(handleNotFound);
  app.onError(handleError);
  return app;
}

const post = (body: BodyInit, headers: Record<string, string> = { "content-type": "application/json" }) =>
  contractApp().request("/echo", { method: "POST", body, headers }, testEnv);

describe("error contract", () => {
  it("answers an unknown route with 404 not_found and an X-Request-Id", async () => {
    // No gateway route serves this host, so nothing is proxied (deny by default).
    const response = await workerWith().fetch("http://nowhere.example.com/no/such/route");
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(await response.json()).toEqual({ error: { code: "not_found", message: "No such route." } });
  });

  it("never echoes a client-chosen X-Request-Id", async () => {
    const response = await workerWith().fetch("/healthz", { headers: { "x-request-id": "forged-id" } });
    expect(response.headers.get("x-request-id")).not.toBe("forged-id");
  });

  it("refuses a body over the limit with 413 payload_too_large, by declared length", async () => {
    const body = "x".repeat(64 * 1024 + 1);
    const response = await workerWith().fetch("/auth/anything", {
      method: "POST",
      body,
      headers: { "content-type": "application/json" },
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as ErrorBody).error.code).toBe("payload_too_large");
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("refuses a streamed body over the limit (no Content-Length) with 413 payload_too_large", async () => {
    const chunk = new TextEncoder().encode("x".repeat(16 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 5) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await post(stream);
    expect(response.status).toBe(413);
    expect(((await response.json()) as ErrorBody).error.code).toBe("payload_too_large");
  });

  it("honours a configured MAX_BODY_BYTES", async () => {
    const app = contractApp();
    const body = JSON.stringify({ email: "a@example.com", password: "long enough password" });
    const response = await app.request(
      "/echo",
      { method: "POST", body, headers: { "content-type": "application/json" } },
      {
        ...testEnv,
        MAX_BODY_BYTES: "16",
      },
    );
    expect(response.status).toBe(413);
  });

  it("answers malformed JSON with 400 invalid_json", async () => {
    const response = await post('{"email": "a@example.com",');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { code: "invalid_json", message: "The request body is not valid JSON." },
    });
  });

  it("answers a body that is not JSON at all with 415 unsupported_media_type", async () => {
    const response = await post("email=a@example.com", { "content-type": "application/x-www-form-urlencoded" });
    expect(response.status).toBe(415);
    expect(((await response.json()) as ErrorBody).error.code).toBe("unsupported_media_type");
  });

  it("answers wrong types with 400 invalid_request naming each failing field, without echoing values", async () => {
    const response = await post(JSON.stringify({ email: "not-an-email", password: 12345678, name: ["x"] }));
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.fields?.map((field) => field.path).sort()).toEqual(["email", "name", "password"]);
    expect(JSON.stringify(body)).not.toContain("not-an-email");
  });

  it("answers a JSON value of the wrong shape (array, null) with 400 invalid_request", async () => {
    for (const body of ["[]", "null", '"text"']) {
      const response = await post(body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as ErrorBody).error.code).toBe("invalid_request");
    }
  });

  it("accepts a valid body", async () => {
    const response = await post(JSON.stringify({ email: "a@example.com", password: "long enough password" }));
    expect(response.status).toBe(200);
  });

  it("renders a thrown AppError with its own status and code", async () => {
    const response = await contractApp().request("/teapot", {}, testEnv);
    expect(response.status).toBe(503);
    expect(((await response.json()) as ErrorBody).error.code).toBe("service_unavailable");
  });

  it("turns an unexpected exception into 500 internal_error with the request id and no detail", async () => {
    const response = await contractApp().request("/boom", {}, testEnv);
    expect(response.status).toBe(500);
    const body = (await response.json()) as ErrorBody;
    expect(body).toEqual({
      error: {
        code: "internal_error",
        message: "Something went wrong on our side.",
        requestId: response.headers.get("x-request-id"),
      },
    });
    const text = JSON.stringify(body);
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("app.ts");
  });
});
