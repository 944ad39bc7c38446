// Attacks on the account page's email change (issue 11, second page review): a taken address must be
// answered exactly like a free one, including in what it does to the code already pending.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest, signUpBrowser, uniqueEmail } from "../../../test/helpers/auth.ts";
import { readPage, submitForm } from "../../../test/helpers/html.ts";
import { codeIn, outboxFor } from "../../../test/helpers/outbox.ts";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

const emailOf = async (userId: string) =>
  (await ctx.sql<{ email: string }>("SELECT email FROM users WHERE id = $1", [userId]))[0]?.email;
const userIdOf = async (email: string) =>
  (await ctx.sql<{ id: string }>("SELECT id FROM users WHERE email = $1", [email]))[0]?.id ?? "";

/**
 * The probe: ask for a code to an address the attacker reads, then ask for the address to test, then
 * submit the first code. A free address supersedes the pending code; a taken one must do the same.
 */
async function probe(target: string) {
  const mine = uniqueEmail("attacker");
  const catchAll = uniqueEmail("attacker-inbox");
  const client = await signUpBrowser(ctx, mine);
  const userId = await userIdOf(mine);
  expect((await submitForm(client, "/auth/account/email", { email: catchAll })).status).toBe(303);
  const code = codeIn((await outboxFor(ctx.worker, catchAll))[0]?.text ?? null);
  expect(code).toMatch(/^\d{6}$/);
  const second = await submitForm(client, "/auth/account/email", { email: target });
  const confirm = await submitForm(client, "/auth/account/email/confirm", { code });
  return { second, confirm, changed: (await emailOf(userId)) === catchAll };
}

describe("email change to an address already taken", () => {
  it("answers the request identically for a taken and a free address", async () => {
    const taken = uniqueEmail("victim");
    await signUpBrowser(ctx, taken);
    const a = await probe(taken);
    const b = await probe(uniqueEmail("nobody"));
    expect([a.second.status, a.second.headers.get("location")]).toEqual([
      b.second.status,
      b.second.headers.get("location"),
    ]);
  });

  // FINDING: requestEmailChange skips issueCode for a taken address, and issueCode is what supersedes the
  // pending EMAIL_CHANGE code. So the earlier code still works after a taken address and not after a free
  // one: a one-bit oracle on whether any address has an account, through the page (and the JSON API).
  it("supersedes the pending code for a taken address as it does for a free one (no oracle)", async () => {
    const taken = uniqueEmail("victim");
    await signUpBrowser(ctx, taken);
    const free = await probe(uniqueEmail("nobody"));
    expect(free.confirm.status).toBe(400);
    expect((await readPage(free.confirm)).fieldErrors.code).toBeTruthy();
    expect(free.changed).toBe(false);
    const takenProbe = await probe(taken);
    expect([takenProbe.confirm.status, takenProbe.confirm.headers.get("location"), takenProbe.changed]).toEqual([
      free.confirm.status,
      free.confirm.headers.get("location"),
      free.changed,
    ]);
  });
});

describe("the same oracle through the JSON API (one service, so one fix)", () => {
  // FINDING (same root cause as above), through POST /auth/email/change/request and /auth/email/change.
  it("leaves the pending code live after a taken address exactly as after a free one", async () => {
    const taken = uniqueEmail("victim-api");
    await signUpBrowser(ctx, taken);
    const outcome = async (target: string) => {
      const mine = uniqueEmail("attacker-api");
      const inbox = uniqueEmail("attacker-api-inbox");
      const client = await signUpBrowser(ctx, mine);
      expect((await client.request("/auth/email/change/request", { json: { email: inbox } })).status).toBe(202);
      const code = codeIn((await outboxFor(ctx.worker, inbox))[0]?.text ?? null);
      expect((await client.request("/auth/email/change/request", { json: { email: target } })).status).toBe(202);
      return (await client.request("/auth/email/change", { json: { code } })).status;
    };
    expect(await outcome(taken)).toBe(await outcome(uniqueEmail("nobody-api")));
  });
});
