// The example origins the examples' tests run behind the gateway: how to start each one, and where it sits in the route table.
import { spawnSync } from "node:child_process";

export type ExampleName = "origin-node" | "origin-express" | "origin-hono" | "origin-python";

export type ExampleOrigin = {
  name: ExampleName;
  /** Its gateway route's path prefix (not stripped: the example sees the path as the client sent it). */
  pathPrefix: string;
  /** Its `originId`: the `aud` of the assertions it receives and checks. */
  audience: string;
};

export const EXAMPLE_ORIGINS: readonly ExampleOrigin[] = [
  { name: "origin-node", pathPrefix: "/node", audience: "example-node" },
  { name: "origin-express", pathPrefix: "/express", audience: "example-express" },
  { name: "origin-hono", pathPrefix: "/hono", audience: "example-hono" },
  { name: "origin-python", pathPrefix: "/python", audience: "example-python" },
];

/** The demo `npm run dev` shows, behind its own prefix here. */
export const DEMO_ORIGIN = { pathPrefix: "/demo", audience: "demo" } as const;

// Debian's python3-jwt installs under the system interpreter; a pyenv `python3` on PATH may not have it.
const PYTHON_CANDIDATES = ["/usr/bin/python3", "python3"];

/** The first Python 3 that can `import jwt`, or an error that says what to install. */
export function findPythonWithPyJwt(): string {
  for (const candidate of PYTHON_CANDIDATES) {
    const probe = spawnSync(candidate, ["-c", "import jwt, cryptography"], { stdio: "ignore", timeout: 10_000 });
    if (probe.status === 0) return candidate;
  }
  throw new Error(
    `examples/origin-python needs Python 3 with PyJWT and cryptography; none of ${PYTHON_CANDIDATES.join(", ")} ` +
      "can import them. On Debian: apt-get install python3-jwt (.ci/run installs it when missing).",
  );
}

/** The command that runs `example` as its README says (settings come from the environment). */
export function commandFor(example: ExampleName): { command: string; args: string[] } {
  if (example === "origin-python")
    return { command: findPythonWithPyJwt(), args: ["examples/origin-python/server.py"] };
  return { command: process.execPath, args: ["--import", "tsx", `examples/${example}/server.ts`] };
}

/** The gateway's route table: each example (and the demo) behind its prefix, for signed-in callers only. */
export function exampleRouteTable(urls: Record<ExampleName, string>, demoUrl: string): unknown[] {
  return [
    ...EXAMPLE_ORIGINS.map((example) => ({
      name: example.name,
      pathPrefix: example.pathPrefix,
      origin: urls[example.name],
      originId: example.audience,
      policy: "authenticated",
      // The profile claims (name, preferred_username) travel too, so the examples show them.
      profile: true,
    })),
    {
      name: "demo",
      pathPrefix: DEMO_ORIGIN.pathPrefix,
      origin: demoUrl,
      originId: DEMO_ORIGIN.audience,
      policy: "authenticated",
    },
  ];
}
