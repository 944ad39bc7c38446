// Type-level proof that paths, bodies, parameters and answers are typed from the document (checked by
// `tsc -p tsconfig.json`; vitest runs the runtime part): a wrong path or body does not compile.
import { describe, expect, expectTypeOf, it } from "vitest";
import { createBearerClient, type ErrorCode, PortcullisError, type paths } from "../src/index.ts";

const client = createBearerClient({
  baseUrl: "http://localhost",
  fetch: async () => new Response(JSON.stringify({ revoked: 2 }), { headers: { "content-type": "application/json" } }),
});

describe("types generated from docs/openapi.json", () => {
  it("types answers, errors, bodies and path parameters by operation", async () => {
    const answer = await client.POST("/auth/sessions/revoke-others");
    expectTypeOf(answer.data).toEqualTypeOf<{ revoked: number } | undefined>();
    expect(answer.data).toEqual({ revoked: 2 });
    expectTypeOf<NonNullable<typeof answer.error>["error"]["code"]>().toMatchTypeOf<ErrorCode>();
    expectTypeOf<"csrf_rejected">().toMatchTypeOf<NonNullable<typeof answer.error>["error"]["code"]>();

    expectTypeOf<paths["/auth/refresh"]["post"]["requestBody"]>().toMatchTypeOf<
      { content: { "application/json": { refreshToken?: string } } } | undefined
    >();
    const session = await client.GET("/auth/session");
    expectTypeOf<NonNullable<typeof session.data>["user"]["email"]>().toEqualTypeOf<string>();

    // @ts-expect-error: not a documented path
    await client.GET("/auth/no-such-route");
    // @ts-expect-error: refreshToken is a string
    await client.POST("/auth/refresh", { body: { refreshToken: 42 } });
    // @ts-expect-error: the path parameter is required
    await client.DELETE("/auth/sessions/{id}", {});
    // @ts-expect-error: GET is not documented for this path
    await client.GET("/auth/logout");
  });

  it("types PortcullisError#code as the documented codes", () => {
    const error = new PortcullisError(401, { code: "refresh_token_reused", message: "m" });
    expectTypeOf(error.code).toEqualTypeOf<ErrorCode | "invalid_response">();
    expectTypeOf<"refresh_token_reused">().toMatchTypeOf<ErrorCode>();
    // @ts-expect-error: not an error code of the API
    expectTypeOf<"no_such_code">().toMatchTypeOf<ErrorCode>();
    expect(error.code).toBe("refresh_token_reused");
  });
});
