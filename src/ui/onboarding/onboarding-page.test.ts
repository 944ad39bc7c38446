// issue 15 (finishing): the hosted onboarding page at /onboarding — each step through the same service as
// the API, errors shown on the page, return_to validated, and every refused form changing nothing.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest, signUpBrowser, uniqueEmail } from "../../../test/helpers/auth.ts";
import { TestClient } from "../../../test/helpers/client.ts";
import { inputNamed, readPage, submitForm } from "../../../test/helpers/html.ts";
import { markVerified, onboardingAudit, onboardingState, storedOnboarding } from "../../../test/helpers/onboarding.ts";
import { claimsOf } from "../../../test/helpers/tokens.ts";
import { workerWith } from "../../../test/helpers/worker.ts";

/** about (three fields) → contact (needs a verified email, no fields) → team (64 bytes of JSON). */
const PAGE_STEPS = [
  {
    key: "about",
    title: "About you",
    fields: [
      { name: "company", label: "Company", required: true, maxLength: 40 },
      { name: "bio", label: "Bio", type: "textarea" },
      { name: "terms", label: "I accept the terms", type: "checkbox", required: true },
    ],
  },
  { key: "contact", requires: "email" },
  { key: "team", maxDataBytes: 64, fields: [{ name: "team", label: "Team name", maxLength: 64 }] },
];

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest({ ONBOARDING_STEPS: JSON.stringify(PAGE_STEPS) });
});

const ABOUT = { company: " Acme ", bio: "Line one\r\nLine two", terms: "on", return_to: "/app/start?x=1" };

async function signedIn() {
  const email = uniqueEmail("onb-page");
  return { email, client: await signUpBrowser(ctx, email) };
}

const statuses = (html: string) =>
  [...html.matchAll(/<li data-step="([a-z]+)" data-status="([a-z]+)"/g)].map((m) => `${m[1]}:${m[2]}`);

describe("GET /onboarding", () => {
  it("sends a browser without a session to sign in, coming back with its return_to", async () => {
    const response = await ctx.client().request("/onboarding?return_to=%2Fapp");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(
      `/auth/sign-in?return_to=${encodeURIComponent("/onboarding?return_to=%2Fapp")}`,
    );
  });

  it("shows the steps, the current one's form, the verification status and the way to verify", async () => {
    const { email, client } = await signedIn();
    const page = await readPage(await client.request("/onboarding?return_to=%2Fapp"));
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(page.h1).toBe("Set up your account");
    expect(statuses(page.html)).toEqual(["about:current", "contact:pending", "team:pending"]);
    expect(page.html).toContain('aria-current="step"');
    expect(page.text).toContain("Email address: Not verified");
    const verify = page.links.find((link) => link.attributes.id === "verify-email");
    expect(verify?.attributes.href).toBe(
      `/auth/verify-email?return_to=${encodeURIComponent("/onboarding?return_to=%2Fapp")}`,
    );
    expect(page.forms.map((form) => form.attributes.action)).toEqual(["/onboarding/steps/about"]);
    expect(inputNamed(page, "company")?.attributes).toMatchObject({ required: "", maxlength: "40" });
    expect(inputNamed(page, "terms")?.attributes.type).toBe("checkbox");
    expect(inputNamed(page, "return_to")?.attributes.value).toBe("/app");
    expect(page.html).toMatch(/<textarea[^>]*name="bio"/);
    expect(page.inlineHandlers).toEqual([]);
    expect(await onboardingAudit(ctx, email)).toEqual(["onboarding.started"]);
  });

  it("answers 404 while ONBOARDING_STEPS is unset, reading and writing nothing", async () => {
    const off = new TestClient(workerWith({ ...ctx.worker.env, ONBOARDING_STEPS: undefined }));
    const before = await onboardingState(ctx);
    const page = await readPage(await off.request("/onboarding"));
    expect(page.status).toBe(404);
    expect(page.html).toContain('data-error-code="onboarding_disabled"');
    expect(await onboardingState(ctx)).toEqual(before);
  });
});

describe("POST /onboarding/steps/:key", () => {
  it("saves the declared fields only (trimmed, the checkbox as a boolean) and shows the next step", async () => {
    const { email, client } = await signedIn();
    const response = await submitForm(client, "/onboarding/steps/about", { ...ABOUT, injected: "x" });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`/onboarding?return_to=${encodeURIComponent("/app/start?x=1")}`);
    expect((await storedOnboarding(ctx, email))?.data).toEqual({
      about: { company: "Acme", bio: "Line one\nLine two", terms: true },
    });
    expect(await onboardingAudit(ctx, email)).toEqual(["onboarding.started", "onboarding.step_completed:about"]);
    const page = await readPage(await client.request(response.headers.get("location") ?? ""));
    expect(statuses(page.html)).toEqual(["about:completed", "contact:current", "team:pending"]);
    expect(page.text).toContain("Needs a verified email address.");
    expect(page.buttons.map((b) => b.text)).toContain("Continue");
  });

  it.each([
    [{ company: "", terms: "on" }, { company: "Company: this is required." }],
    [{ company: "Acme" }, { terms: "I accept the terms: this is required." }],
    [{ company: "x".repeat(41), terms: "on" }, { company: "Company: at most 40 characters." }],
    [
      { company: "   ", terms: "" },
      { company: "Company: this is required.", terms: "I accept the terms: this is required." },
    ],
  ])("refuses %j with field errors (400) and changes nothing", async (fields, errors) => {
    const { client } = await signedIn();
    await client.request("/onboarding");
    const before = await onboardingState(ctx);
    const page = await readPage(await submitForm(client, "/onboarding/steps/about", fields));
    expect(page.status).toBe(400);
    expect(page.fieldErrors).toEqual(errors);
    expect(page.summary.length).toBe(Object.keys(errors).length);
    expect(await onboardingState(ctx)).toEqual(before);
  });

  it("shows verification_required on the page (409) with the way to verify, and saves once verified", async () => {
    const { email, client } = await signedIn();
    expect((await submitForm(client, "/onboarding/steps/about", ABOUT)).status).toBe(303);
    const before = await onboardingState(ctx);
    const page = await readPage(await submitForm(client, "/onboarding/steps/contact", {}));
    expect(page.status).toBe(409);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.summary).toEqual(["Verify your email address before this step."]);
    expect(page.links.some((link) => link.attributes.id === "verify-email")).toBe(true);
    expect(await onboardingState(ctx)).toEqual(before);
    await markVerified(ctx, email, { email: true });
    expect((await submitForm(client, "/onboarding/steps/contact", {})).status).toBe(303);
    expect((await storedOnboarding(ctx, email))?.completed_steps).toEqual(["about", "contact"]);
  });

  it("shows step_out_of_order on the page (409), naming the current step, and changes nothing", async () => {
    const { client } = await signedIn();
    await client.request("/onboarding");
    const before = await onboardingState(ctx);
    const page = await readPage(await submitForm(client, "/onboarding/steps/team", { team: "Core" }));
    expect(page.status).toBe(409);
    expect(page.summary).toEqual(['Finish the step "About you" first.']);
    expect(await onboardingState(ctx)).toEqual(before);
  });

  it("answers data over the step's maxDataBytes with 413 on the page and changes nothing", async () => {
    const { email, client } = await signedIn();
    await markVerified(ctx, email, { email: true });
    expect((await submitForm(client, "/onboarding/steps/about", ABOUT)).status).toBe(303);
    expect((await submitForm(client, "/onboarding/steps/contact", {})).status).toBe(303);
    const before = await onboardingState(ctx);
    const page = await readPage(await submitForm(client, "/onboarding/steps/team", { team: "t".repeat(60) }));
    expect(page.status).toBe(413);
    expect(page.summary).toEqual(["Your answers for this step are too long. Shorten them and try again."]);
    expect(await onboardingState(ctx)).toEqual(before);
  });

  it.each([
    ["an unknown step", "/onboarding/steps/nope", {}, 404, "onboarding_step_not_found"],
    ["a malformed key", "/onboarding/steps/Bad%20Key", {}, 404, "onboarding_step_not_found"],
    ["another site's form (CSRF)", "/onboarding/steps/about", { origin: "https://evil.example" }, 403, "csrf_rejected"],
    ["no Origin at all", "/onboarding/steps/about", { origin: null }, 403, "csrf_rejected"],
    ["a cross-site finish", "/onboarding/complete", { origin: "https://evil.example" }, 403, "csrf_rejected"],
  ])("refuses %s as a page and changes nothing", async (_, path, options, status, code) => {
    const { client } = await signedIn();
    await client.request("/onboarding");
    const before = await onboardingState(ctx);
    const page = await readPage(await submitForm(client, path, ABOUT, options as { origin?: string | null }));
    expect(page.status).toBe(status);
    expect(page.html).toContain(`data-error-code="${code}"`);
    expect(await onboardingState(ctx)).toEqual(before);
  });

  it("refuses a body that is not a form (415) and one over the body limit (413), changing nothing", async () => {
    const { client } = await signedIn();
    await client.request("/onboarding");
    const before = await onboardingState(ctx);
    const json = await client.request("/onboarding/steps/about", { method: "POST", json: { data: { company: "A" } } });
    expect(json.status).toBe(415);
    const huge = await submitForm(client, "/onboarding/steps/about", { ...ABOUT, bio: "b".repeat(70 * 1024) });
    expect(huge.status).toBe(413);
    expect(await readPage(huge)).toMatchObject({ status: 413 });
    expect(await onboardingState(ctx)).toEqual(before);
  });
});

describe("POST /onboarding/complete", () => {
  async function allStepsDone() {
    const { email, client } = await signedIn();
    await markVerified(ctx, email, { email: true });
    for (const [path, fields] of [
      ["/onboarding/steps/about", ABOUT],
      ["/onboarding/steps/contact", {}],
      ["/onboarding/steps/team", { team: "Core" }],
    ] as const) {
      expect((await submitForm(client, path, fields)).status).toBe(303);
    }
    return { email, client };
  }

  it("refuses to finish before every step is done (409 on the page), changing nothing", async () => {
    const { client } = await signedIn();
    await client.request("/onboarding");
    const before = await onboardingState(ctx);
    const page = await readPage(await submitForm(client, "/onboarding/complete", { return_to: "/app" }));
    expect(page.status).toBe(409);
    expect(page.summary).toEqual(["Finish every step first."]);
    expect(await onboardingState(ctx)).toEqual(before);
  });

  it("completes through the same service, reissues the access token with onb, and returns to return_to", async () => {
    const { email, client } = await allStepsDone();
    const page = await readPage(await client.request("/onboarding?return_to=%2Fapp%2Fhome"));
    expect(page.forms.map((form) => form.attributes.action)).toEqual(["/onboarding/complete"]);
    const response = await submitForm(client, "/onboarding/complete", { return_to: "/app/home?tab=1" });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/app/home?tab=1");
    expect(claimsOf(client.cookies.get("__Host-portcullis_at") ?? "").onb).toBe(1);
    expect((await storedOnboarding(ctx, email))?.completed_at).not.toBeNull();
    expect((await onboardingAudit(ctx, email)).at(-1)).toBe("onboarding.completed");
    const done = await readPage(await client.request("/onboarding?return_to=%2Fapp%2Fhome"));
    expect(done.html).toContain('data-onboarding="complete"');
    expect(done.links.find((link) => link.attributes.id === "onboarding-continue")?.attributes.href).toBe("/app/home");
  });

  it.each(["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"])(
    "refuses the off-site return_to %s and goes to the account page instead",
    async (returnTo) => {
      const { client } = await allStepsDone();
      const page = await readPage(await client.request(`/onboarding?return_to=${encodeURIComponent(returnTo)}`));
      expect(inputNamed(page, "return_to")).toBeUndefined();
      const response = await submitForm(client, "/onboarding/complete", { return_to: returnTo });
      expect([response.status, response.headers.get("location")]).toEqual([303, "/auth/account"]);
    },
  );
});
