import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest } from "../../../test/helpers/auth.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const GETS = [
  "/auth/sign-in",
  "/auth/sign-up",
  "/auth/forgot-password",
  "/auth/verify-email",
  "/auth/reset-password",
  "/auth/sign-out",
  "/auth/signed-out",
  "/auth/account/security",
  "/auth/account/security/totp",
  "/dev/mail",
];

describe("robustness", () => {
  it("bad percent-encoding, odd languages, garbage cookies never 500", async () => {
    const bad: string[] = [];
    for (const path of GETS) {
      for (const q of [
        "?return_to=%E0%A4%A",
        "?return_to=%",
        "?token=%ZZ",
        "?return_to=/%00",
        "?method=%FF&token=aaaa",
      ]) {
        const r = await ctx.client().request(path + q);
        if (r.status >= 500) bad.push(`${path}${q}: ${r.status}`);
      }
      for (const lang of ["*;q=x", "x".repeat(10000), "zz-ZZ;q=1e999"]) {
        const r = await ctx.client().request(path, { headers: { "accept-language": lang } });
        if (r.status >= 500) bad.push(`${path} lang ${lang.slice(0, 10)}: ${r.status}`);
      }
      for (const cookie of [
        "__Host-portcullis_at=garbage; __Host-portcullis_rt=garbage",
        "__Host-portcullis_at=%E0%A4%A",
        "__Host-portcullis_verify=%E0%A4%A",
        `__Host-portcullis_rt=${"a".repeat(4000)}`,
      ]) {
        const r = await ctx.client().request(path, { headers: { cookie } });
        if (r.status >= 500) bad.push(`${path} cookie ${cookie.slice(0, 30)}: ${r.status}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("HEAD and other methods on pages never 500", async () => {
    const bad: string[] = [];
    for (const path of GETS) {
      for (const method of ["HEAD", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
        const r = await ctx.client().request(path, { method });
        if (r.status >= 500) bad.push(`${path} ${method}: ${r.status}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
