// The API client example as a tiny CLI: sign in (or up), show who we are, call the app behind the gateway,
// list the account's sessions, sign out. It prints identities and outcomes, never a token.
import { parseArgs } from "node:util";
import { SessionEndedError } from "@portcullis/client";
import { callApp, connect, listSessions, type Refused, signIn, signOut, signUp, whoAmI } from "./flow.ts";

const USAGE = `usage: PORTCULLIS_PASSWORD=… npx tsx examples/api-client/main.ts --gateway <url> --email <address> [--sign-up] [--app-path /]
  (or PORTCULLIS_GATEWAY_URL, PORTCULLIS_EMAIL; the password comes from PORTCULLIS_PASSWORD only, never the command line)`;

/** True for this machine (localhost, 127.0.0.0/8, ::1): the only place plain http may carry a password. */
const isLoopback = (hostname: string) =>
  hostname === "localhost" || hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(hostname);

/** Why `gateway` may not be used, or undefined: https, or http to this machine only (no password in clear). */
function gatewayRefusal(gateway: string): string | undefined {
  let url: URL;
  try {
    url = new URL(gateway);
  } catch {
    return "--gateway: not a URL";
  }
  if (url.protocol === "https:" || (url.protocol === "http:" && isLoopback(url.hostname))) return undefined;
  return "--gateway: use https (plain http only to this machine: localhost, 127.0.0.1, [::1])";
}

const say = (line: string) => process.stdout.write(`${line}\n`);
const describeRefusal = (what: string, refusal: Refused) =>
  `${what}: ${refusal.code} (HTTP ${refusal.status}): ${refusal.message}`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      gateway: { type: "string", default: process.env.PORTCULLIS_GATEWAY_URL ?? "http://127.0.0.1:8787" },
      email: { type: "string", default: process.env.PORTCULLIS_EMAIL },
      "sign-up": { type: "boolean", default: false },
      "app-path": { type: "string", default: "/" },
    },
  });
  // A password on the command line would show in `ps` and the shell's history.
  const password = process.env.PORTCULLIS_PASSWORD;
  if (!values.email || !password) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  // The password and the tokens go to the gateway: never in clear over the network.
  const refusal = gatewayRefusal(values.gateway);
  if (refusal) {
    process.stderr.write(`${refusal}\n`);
    return 2;
  }
  const client = connect({ gatewayUrl: values.gateway });
  const credentials = { email: values.email, password };

  const signedIn = values["sign-up"] ? await signUp(client, credentials) : await signIn(client, credentials);
  if (signedIn.kind === "refused") {
    say(describeRefusal("sign-in refused", signedIn));
    return 1;
  }
  if (signedIn.kind === "verification_required") {
    say(
      `account created: verify ${values.email} (in development, read the code at ${values.gateway}/dev/mail), then sign in`,
    );
    return 0;
  }
  if (signedIn.kind === "mfa_required") {
    say(`a second factor is required (${signedIn.methods.join(", ")}): this example stops here`);
    return 1;
  }

  try {
    const me = await whoAmI(client);
    if ("kind" in me) {
      say(describeRefusal("session refused", me));
      return 1;
    }
    say(`signed in as ${me.email} (user ${me.userId}, session ${me.sessionId}, amr ${me.amr.join("+")})`);

    const app = await callApp(client, new URL(values["app-path"], values.gateway));
    say(`app ${values["app-path"]} answered ${app.status} (${app.contentType || "no content type"})`);

    const sessions = await listSessions(client);
    if (!("kind" in sessions)) {
      say(`${sessions.length} signed-in session(s):`);
      for (const session of sessions)
        say(`  ${session.id}${session.current ? " (this one)" : ""}, last seen ${session.lastSeenAt}`);
    }

    const out = await signOut(client);
    say(out === "signed_out" ? "signed out" : describeRefusal("sign-out refused", out));
    return out === "signed_out" ? 0 : 1;
  } catch (error) {
    // The gateway refused the refresh token (revoked elsewhere, or a stolen copy was used): sign in again.
    if (error instanceof SessionEndedError) {
      say(`session ended (${error.code}): sign in again`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = await main();
