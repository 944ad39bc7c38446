// GET /auth/docs: the reference page is on outside production, off in production unless API_DOCS=true,
// rendered on the server from the document with the Worker's own stylesheet under the pages' CSP.
import { describe, expect, it } from "vitest";
import { PRODUCTION_BINDINGS, workerWith } from "../../../test/helpers/worker.ts";

describe("GET /auth/docs", () => {
  it("renders every documented operation grouped by tag, with parameters, bodies and error codes", async () => {
    const response = await workerWith().fetch("/auth/docs");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await response.text();
    for (const tag of ["health", "keys", "session", "profile", "onboarding"]) expect(html).toContain(`id="tag-${tag}"`);
    expect(html).toContain("<code>GET /auth/session</code>");
    expect(html).toContain('id="refreshSession"');
    expect(html).toContain("invalid_refresh_token");
    expect(html).toContain("Request body (application/json)");
    expect(html).toContain("<code>key</code> (path, required)");
    expect(html).toContain('href="/auth/openapi.json"');
  });

  it("serves under the pages' CSP with the Worker's own assets only (no third-party CDN)", async () => {
    const response = await workerWith().fetch("/auth/docs");
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("style-src 'self'");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const html = await response.text();
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? "");
    expect(sources.filter((source) => /^(https?:)?\/\//.test(source))).toEqual([]);
    const stylesheet = html.match(/<link rel="stylesheet" href="([^"]+)"/)?.[1] ?? "";
    expect((await workerWith().fetch(stylesheet)).status).toBe(200);
  });

  it("answers 404 not_found in production unless API_DOCS=true", async () => {
    const off = await workerWith(PRODUCTION_BINDINGS).fetch("/auth/docs");
    expect(off.status).toBe(404);
    expect(await off.json()).toEqual({ error: { code: "not_found", message: "No such route." } });
    const on = await workerWith({ ...PRODUCTION_BINDINGS, API_DOCS: "true" }).fetch("/auth/docs");
    expect(on.status).toBe(200);
    expect(await on.text()).toContain('id="getSession"');
  });

  it("can be turned off outside production with API_DOCS=false", async () => {
    const response = await workerWith({ API_DOCS: "false" }).fetch("/auth/docs");
    expect(response.status).toBe(404);
    expect((await response.json()) as object).toMatchObject({ error: { code: "not_found" } });
  });

  it("refuses an API_DOCS that is not true or false with a configuration error naming it", async () => {
    const response = await workerWith({ API_DOCS: "yes" }).fetch("/auth/docs");
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("configuration_error");
    expect(body.error.message).toContain("API_DOCS");
  });

  it("keeps the document itself public in production (it describes, never reveals, the API)", async () => {
    const response = await workerWith(PRODUCTION_BINDINGS).fetch("/auth/openapi.json");
    expect(response.status).toBe(200);
    expect(((await response.json()) as { openapi: string }).openapi).toBe("3.1.0");
  });
});
