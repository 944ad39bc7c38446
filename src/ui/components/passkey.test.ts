// The pages' one script as served, and the markup it acts on (src/ui/components/passkey.tsx): every
// hook the components write is one the script looks for, and the script stays small.
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthTestContext, setUpAuthTest } from "../../../test/helpers/auth.ts";
import { readPage } from "../../../test/helpers/html.ts";
import { CopyButton, PasskeyAssertForm, PasskeyRegisterForm } from "./passkey.tsx";

let ctx: AuthTestContext;
beforeAll(async () => {
  ctx = await setUpAuthTest();
});

async function servedScript(): Promise<string> {
  const page = await readPage(await ctx.client().request("/auth/sign-in"));
  const response = await ctx.client().request(page.scripts[0]?.attributes.src ?? "");
  expect(response.status).toBe(200);
  return response.text();
}

const gzippedSize = async (text: string) =>
  (await new Response(new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer()).byteLength;

describe("the passkey script", () => {
  it("is built with @simplewebauthn/browser and looks for every hook of the contract", async () => {
    const script = await servedScript();
    for (const hook of [
      "form[data-passkey-assert]",
      "form[data-passkey-register]",
      "data-passkey-autofill",
      "[data-passkey-start]",
      "[data-passkey-error]",
      'input[name="passkey_response"]',
      "button[data-copy-target]",
      "optionsUrl",
      "optionsBody",
      "copyTarget",
      "copiedLabel",
    ]) {
      expect(script, hook).toContain(hook);
    }
    // The ceremonies themselves come from the library (its option and error names survive minifying).
    expect(script).toContain("navigator.credentials.get");
    expect(script).toContain("navigator.credentials.create");
    expect(script).toContain("conditional");
    expect(script).not.toMatch(/\beval\(|new Function\(/);
    expect(await gzippedSize(script)).toBeLessThan(8 * 1024);
  });
});

describe("the markup components", () => {
  it("writes a hidden assertion form with the hooks, the response field and an announced error", async () => {
    const html = await PasskeyAssertForm({
      action: "/auth/x",
      optionsUrl: "/auth/x/options",
      optionsBody: '{"a":1}',
      returnTo: "/docs",
      label: "Use a passkey",
      errorText: "It failed.",
      autofill: true,
    }).toString();
    expect(html).toContain('<form method="post" action="/auth/x" class="passkey" hidden="" novalidate=""');
    expect(html).toContain('data-options-url="/auth/x/options"');
    expect(html).toContain('data-options-body="{&quot;a&quot;:1}"');
    expect(html).toContain('data-passkey-autofill=""');
    expect(html).toContain('data-passkey-assert=""');
    expect(html).toContain('<input type="hidden" name="return_to" value="/docs"/>');
    expect(html).toContain('<input type="hidden" name="passkey_response" value=""/>');
    expect(html).toContain('<p class="passkey-error" role="alert" data-passkey-error="" hidden="">It failed.</p>');
    expect(html).toContain(
      '<button type="button" class="secondary block" data-passkey-start="">Use a passkey</button>',
    );
  });

  it("writes a registration form that carries its other inputs, and a hidden copy button", async () => {
    const html = await PasskeyRegisterForm({
      action: "/account/passkeys",
      optionsUrl: "/account/passkeys/options",
      label: "Add a passkey",
      errorText: "No.",
      children: "NAME-FIELD",
    }).toString();
    expect(html).toContain('data-passkey-register=""');
    expect(html).not.toContain("data-passkey-assert");
    expect(html).not.toContain("data-passkey-autofill");
    expect(html).toContain("NAME-FIELD");
    const copy = await CopyButton({ target: "codes", label: "Copy", copiedLabel: "Copied" }).toString();
    expect(copy).toBe(
      '<button type="button" class="secondary" data-copy-target="codes" data-copied-label="Copied" hidden="">Copy</button>',
    );
  });
});
