// `npm run keys`: prints a new SIGNING_KEYS JWK set and an AUTH_SECRET.
// `npm run keys -- --rotate < current.json`: prints the set with a new current key, old keys kept.
// `npm run keys -- --encryption-key`: prints a new 32-byte key for ENCRYPTION_KEYS.
import { readFileSync } from "node:fs";
import { generateAuthSecret, generateSigningKeySet, type SigningKeySetJson } from "./lib/secrets.ts";

if (process.argv.includes("--encryption-key")) {
  console.log(
    "# Append to ENCRYPTION_KEYS as `<next version>:<key>` (versions start at 2). Pin ENCRYPTION_KEY_VERSION to the version in use first; see README, Key rotation.",
  );
  console.log(generateAuthSecret());
  process.exit(0);
}

const rotate = process.argv.includes("--rotate");
const previous = rotate ? (JSON.parse(readFileSync(0, "utf8")) as SigningKeySetJson) : undefined;
const set = await generateSigningKeySet(previous);

if (rotate) {
  console.log(JSON.stringify(set));
} else {
  console.log(
    "# Store these as secrets, e.g. `wrangler secret put SIGNING_KEYS` and `wrangler secret put AUTH_SECRET`.",
  );
  console.log(`SIGNING_KEYS='${JSON.stringify(set)}'`);
  console.log(`AUTH_SECRET='${generateAuthSecret()}'`);
}
