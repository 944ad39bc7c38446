// The document against the app: every API route is documented and every documented operation exists;
// the response contract catches a wrong answer.
import type { Hono } from "hono";
import { describe, expect, it } from "vitest";
import committed from "../../../docs/openapi.json";
import { assertDocumentedResponse, documentedOperations } from "../../../test/helpers/app-contract.ts";
import { workerWith } from "../../../test/helpers/worker.ts";
import { createApp } from "../../app.ts";
import { listOperations, toOpenApiPath } from "../../http/openapi/operations.ts";
import { uiRoutes } from "../../ui/routes.ts";

const API_PREFIXES = ["/auth/", "/admin/", "/.well-known/", "/healthz"];
const pageRoutes = new Set(uiRoutes.routes.map((route) => `${route.method} ${route.path}`));

/** Every method and path `app` answers under the API prefixes, hosted pages excepted. */
function apiRoutes(app: Hono): string[] {
  const keys = app.routes
    .filter((route) => route.method !== "ALL" && API_PREFIXES.some((prefix) => route.path.startsWith(prefix)))
    .map((route) => `${route.method} ${route.path}`)
    .filter((key) => !pageRoutes.has(key));
  return [...new Set(keys)];
}

/** The API routes of `app` without a describe() declaration, as "METHOD /path". */
function undocumentedRoutes(app: Hono): string[] {
  const documented = new Set(listOperations(app).map((op) => `${op.method} ${toOpenApiPath(op.path)}`));
  return apiRoutes(app).filter((route) => {
    const [method = "", path = ""] = route.split(" ");
    return !documented.has(`${method} ${toOpenApiPath(path)}`);
  });
}

describe("the OpenAPI document covers the app", () => {
  it("documents every API route the app registers", async () => {
    const app = createApp() as unknown as Hono;
    expect(undocumentedRoutes(app), "undocumented routes: describe() them (README, API description)").toEqual([]);
    // The document holds what the routes declare (so a declaration the builder dropped fails too).
    const inDocument = new Set((await documentedOperations()).map((op) => `${op.method} ${op.template}`));
    const missing = apiRoutes(app).filter((route) => {
      const [method = "", path = ""] = route.split(" ");
      return !inDocument.has(`${method} ${toOpenApiPath(path)}`);
    });
    expect(missing, "API routes missing from the document").toEqual([]);
  });

  it("names a route added without a declaration", () => {
    const app = createApp() as unknown as Hono;
    app.post("/auth/some/new-route", (c) => c.json({ ok: true }));
    app.get("/admin/things/:id", (c) => c.json({ ok: true }));
    expect(undocumentedRoutes(app)).toEqual(["POST /auth/some/new-route", "GET /admin/things/:id"]);
  });

  it("documents only operations the app has", async () => {
    const registered = new Set(createApp().routes.map((route) => `${route.method} ${toOpenApiPath(route.path)}`));
    const phantom = (await documentedOperations())
      .map((op) => `${op.method} ${op.template}`)
      .filter((key) => !registered.has(key));
    expect(phantom).toEqual([]);
  });

  it("serves at /auth/openapi.json exactly the committed docs/openapi.json (npm run openapi)", async () => {
    const response = await workerWith().fetch("/auth/openapi.json");
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("public, max-age=300");
    expect(await response.json()).toEqual(committed);
  });

  it("gives every operation a unique operationId, a tag and a summary", async () => {
    const operations = await documentedOperations();
    const ids = operations.map((op) => op.operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const op of operations) {
      const operation = op.operation as { tags?: string[]; summary?: string };
      expect(operation.tags?.length, op.operation.operationId).toBe(1);
      expect(operation.summary, op.operation.operationId).toBeTruthy();
    }
  });
});

describe("the response contract", () => {
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  const healthy = { status: "ok", db: { ok: true, latencyMs: 3 }, kv: { ok: true }, routes: { ok: true } };

  it("accepts a documented status whose body matches", async () => {
    await expect(assertDocumentedResponse("GET", "http://localhost/healthz", json(healthy))).resolves.toBeUndefined();
  });

  it("names the operation and status of an undocumented status", async () => {
    await expect(assertDocumentedResponse("GET", "http://localhost/healthz", json(healthy, 418))).rejects.toThrow(
      /getHealth \(GET \/healthz\) answered 418, an undocumented status/,
    );
  });

  it("names the failing path of a body that does not match", async () => {
    const wrong = { ...healthy, db: { ok: true, latencyMs: "fast" } };
    await expect(assertDocumentedResponse("GET", "http://localhost/healthz", json(wrong))).rejects.toThrow(
      /getHealth .* answered 200, body does not match: .*#\/db/,
    );
  });

  it("refuses a field the document does not list", async () => {
    await expect(
      assertDocumentedResponse("GET", "http://localhost/healthz", json({ ...healthy, secret: "x" })),
    ).rejects.toThrow(/body does not match: #/);
  });

  it("refuses an error code the operation does not document", async () => {
    const error = json({ error: { code: "invalid_json", message: "The request body is not valid JSON." } }, 400);
    await expect(assertDocumentedResponse("GET", "http://localhost/healthz", error)).rejects.toThrow(
      /answered 400, an undocumented status/,
    );
    const wrongCode = json({ error: { code: "not_found", message: "No such route." } }, 500);
    await expect(assertDocumentedResponse("GET", "http://localhost/healthz", wrongCode)).rejects.toThrow(
      /answered 500, body does not match: #\/error\/code/,
    );
  });

  it("leaves routes the document does not describe alone", async () => {
    await expect(
      assertDocumentedResponse("GET", "http://localhost/some/app/page", json({ any: "thing" }, 418)),
    ).resolves.toBeUndefined();
  });
});
