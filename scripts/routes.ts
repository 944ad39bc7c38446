// `npm run routes -- explain GET https://app.example.com/x/y`: which route matches, its policy and
// the origin URL it would reach — from the same code the Worker runs. The table comes from
// `--file <routes.json | wrangler.toml>`, else GATEWAY_ROUTES in the environment, else wrangler.toml's [vars].
import { originUrlFor, resolveRoute } from "../src/gateway/route-table.ts";
import {
  checkRouteTable,
  findRouteTable,
  RouteTableSourceError,
  routeTableFromFile,
} from "./lib/route-table-source.ts";

function usage(): never {
  console.error(
    "usage: npm run routes -- explain <METHOD> <URL> [--file routes.json|wrangler.toml]\n       npm run routes -- check [--file routes.json|wrangler.toml]",
  );
  process.exit(2);
}

const args = process.argv.slice(2);
const fileIndex = args.indexOf("--file");
const file = fileIndex >= 0 ? args.splice(fileIndex, 2)[1] : undefined;
const [command, method, target] = args;

try {
  const source = file ? routeTableFromFile(file) : findRouteTable(process.env);
  if (!source) {
    console.error("routes: set GATEWAY_ROUTES, add it to wrangler.toml's [vars], or pass --file <routes.json>");
    process.exit(2);
  }
  const check = checkRouteTable(source);
  if (!check.ok) {
    console.error(`routes: ${check.message}`);
    process.exit(1);
  }
  const { routes } = check;
  if (command === "check") {
    console.log(
      `routes: ${routes.length} route(s), valid; matched in this order: ${routes.map((r) => r.name).join(", ")}`,
    );
  } else if (command === "explain" && method && target) {
    const url = new URL(target);
    const resolution = resolveRoute(routes, url);
    if (resolution.kind === "invalid_path") {
      console.log(`${method.toUpperCase()} ${url} → 400 invalid_path (${resolution.reason})`);
    } else if (resolution.kind === "no_tenant") {
      const source = resolution.route.tenantFrom === "subdomain" ? "host label" : "path segment";
      console.log(
        `${method.toUpperCase()} ${url} → route ${resolution.route.name}, but no valid tenant ${source}: 404 not_found`,
      );
    } else if (resolution.kind === "no_route") {
      console.log(`${method.toUpperCase()} ${url} → no route: 404 not_found (deny by default)`);
    } else {
      const { route } = resolution;
      const policy = typeof route.policy === "object" ? `roles: ${route.policy.roles.join(", ")}` : route.policy;
      console.log(`${method.toUpperCase()} ${url}`);
      console.log(`  route:   ${route.name} (#${routes.indexOf(route) + 1})`);
      console.log(`  policy:  ${policy}`);
      if (route.tenantFrom) {
        console.log(
          `  tenant:  ${resolution.tenantSlug} (tenantFrom: ${route.tenantFrom}; checked against the session)`,
        );
      }
      console.log(`  origin:  ${originUrlFor(route, { path: resolution.path, search: url.search })}`);
      console.log(
        `  audience (assertion aud): ${route.originId}; timeout ${route.timeoutMs} ms; host ${route.preserveHost ? "preserved" : "the origin's"}`,
      );
    }
  } else {
    usage();
  }
} catch (error) {
  if (!(error instanceof RouteTableSourceError)) throw error;
  console.error(`routes: ${error.message}`);
  process.exit(1);
}
