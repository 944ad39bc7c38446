// The demo's pages escape what the assertion says and load nothing (no script, style or link).
import type { OriginIdentity } from "@portcullis/origin";
import { describe, expect, it } from "vitest";
import { renderIdentityPage, renderRefusedPage } from "./page.ts";

const identity: OriginIdentity = {
  userId: "01900000-0000-7000-8000-000000000001",
  sessionId: "01900000-0000-7000-8000-000000000002",
  email: "ada<script>@example.com",
  emailVerified: true,
  roles: [],
  amr: ["pwd", "otp", "mfa"],
  route: "demo-secure",
  authSource: "cookie",
  issuedAt: 1_800_000_000,
  expiresAt: 1_800_000_030,
  assertionId: "a1",
};

describe("examples/demo pages", () => {
  it("renders the identity escaped, with sign-out and account links and nothing to load", () => {
    const html = renderIdentityPage(identity, { securePath: "/secure" });
    expect(html).toContain("Assertion verified");
    expect(html).toContain(identity.userId);
    expect(html).toContain("ada&lt;script&gt;@example.com");
    expect(html).not.toContain("<script");
    expect(html).toContain("<dd>pwd, otp, mfa</dd>");
    expect(html).toContain("<dd>demo-secure</dd>");
    expect(html).toContain('<form method="post" action="/auth/sign-out">');
    expect(html).toContain('href="/auth/account"');
    expect(html).not.toMatch(/style=|<style|<link/);
  });

  it("says why an assertion was refused, with no identity", () => {
    const html = renderRefusedPage("missing_assertion");
    expect(html).toContain("Assertion not verified");
    expect(html).toContain("<code>missing_assertion</code>");
  });
});
