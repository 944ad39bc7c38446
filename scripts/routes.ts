// `npm run routes -- explain GET https://app.example.com/x/y`: which route matches, its policy and
// the origin URL it would reach — from the same code the Worker runs. The table comes from
// GATEWAY_ROUTES in the environment, or `--file <routes.json>`.
import { readFileSync } from "node:fs";
import { originUrlFor, parseRouteTable, RouteTableError, resolveRoute } from "../src/gateway/route-table.ts";

function usage(): never {
  console.error(
    "usage: npm run routes -- explain <METHOD> <URL> [--file routes.json]\n       npm run routes -- check [--file routes.json]",
  );
  process.exit(2);
}

const args = process.argv.slice(2);
const fileIndex = args.indexOf("--file");
const file = fileIndex >= 0 ? args.splice(fileIndex, 2)[1] : undefined;
const [command, method, target] = args;
const source = file ? readFileSync(file, "utf8") : process.env.GATEWAY_ROUTES;
if (!source) {
  console.error("routes: set GATEWAY_ROUTES or pass --file <routes.json>");
  process.exit(2);
}

try {
  const routes = parseRouteTable(source);
  if (command === "check") {
    console.log(
      `routes: ${routes.length} route(s), valid; matched in this order: ${routes.map((r) => r.name).join(", ")}`,
    );
  } else if (command === "explain" && method && target) {
    const url = new URL(target);
    const resolution = resolveRoute(routes, url);
    if (resolution.kind === "invalid_path") {
      console.log(`${method.toUpperCase()} ${url} → 400 invalid_path (${resolution.reason})`);
    } else if (resolution.kind === "no_route") {
      console.log(`${method.toUpperCase()} ${url} → no route: 404 not_found (deny by default)`);
    } else {
      const { route } = resolution;
      const policy = typeof route.policy === "object" ? `roles: ${route.policy.roles.join(", ")}` : route.policy;
      console.log(`${method.toUpperCase()} ${url}`);
      console.log(`  route:   ${route.name} (#${routes.indexOf(route) + 1})`);
      console.log(`  policy:  ${policy}`);
      console.log(`  origin:  ${originUrlFor(route, { path: resolution.path, search: url.search })}`);
      console.log(
        `  audience (assertion aud): ${route.originId}; timeout ${route.timeoutMs} ms; host ${route.preserveHost ? "preserved" : "the origin's"}`,
      );
    }
  } else {
    usage();
  }
} catch (error) {
  if (!(error instanceof RouteTableError)) throw error;
  console.error(`routes: GATEWAY_ROUTES ${error.message}`);
  process.exit(1);
}
