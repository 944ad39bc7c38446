// Finds and checks the gateway's route table as the Worker will receive it: GATEWAY_ROUTES from the
// environment (JSON), else wrangler.toml's [vars] (a TOML array, parsed as wrangler parses it).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { type GatewayRoute, parseRouteTable, RouteTableError } from "../../src/gateway/route-table.ts";
import { paths } from "./paths.ts";

export const WRANGLER_TOML = join(paths.root, "wrangler.toml");

/** Where the table came from (for messages) and its value: JSON text or the parsed TOML array. */
export type RouteTableSource = { label: string; value: unknown };

export type RouteTableCheck =
  | { ok: true; routes: GatewayRoute[]; source: RouteTableSource | undefined }
  | { ok: false; message: string };

/** Thrown when the table cannot be read, parsed or used; the message is the whole explanation. */
export class RouteTableSourceError extends Error {
  override name = "RouteTableSourceError";
}

// smol-toml's message starts with the reason and its position, then quotes the line: keep the first.
function readToml(file: string): Record<string, unknown> {
  try {
    return parseToml(readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
    throw new RouteTableSourceError(`${file} is not valid TOML: ${reason}`);
  }
}

/** GATEWAY_ROUTES under `[vars]` of a wrangler.toml (or at the top of a TOML file); undefined when absent. */
export function routeTableFromToml(file: string): RouteTableSource | undefined {
  const toml = readToml(file);
  const vars = toml.vars as Record<string, unknown> | undefined;
  if (vars && "GATEWAY_ROUTES" in vars) return { label: `${file} [vars] GATEWAY_ROUTES`, value: vars.GATEWAY_ROUTES };
  if ("GATEWAY_ROUTES" in toml) return { label: `${file} GATEWAY_ROUTES`, value: toml.GATEWAY_ROUTES };
  return undefined;
}

/** The table from a file: TOML (`.toml`) or JSON text (anything else). */
export function routeTableFromFile(file: string): RouteTableSource | undefined {
  if (file.endsWith(".toml")) return routeTableFromToml(file);
  try {
    return { label: file, value: readFileSync(file, "utf8") };
  } catch {
    throw new RouteTableSourceError(`cannot read ${file}`);
  }
}

/**
 * The table the Worker will run with: GATEWAY_ROUTES from `env` wins (it is passed as a --var, which
 * overrides wrangler.toml), else wrangler.toml's [vars]; undefined when neither sets one.
 */
export function findRouteTable(
  env: Record<string, string | undefined>,
  wranglerToml = WRANGLER_TOML,
): RouteTableSource | undefined {
  const fromEnv = env.GATEWAY_ROUTES;
  if (fromEnv !== undefined && fromEnv !== "") return { label: "GATEWAY_ROUTES", value: fromEnv };
  return routeTableFromToml(wranglerToml);
}

/** Parses `source` with the Worker's own code; the message names the source and the bad entry. */
export function checkRouteTable(source: RouteTableSource | undefined): RouteTableCheck {
  if (!source) return { ok: true, routes: [], source };
  try {
    return { ok: true, routes: parseRouteTable(source.value), source };
  } catch (error) {
    if (!(error instanceof RouteTableError)) throw error;
    return { ok: false, message: `${source.label} ${error.message}` };
  }
}

/**
 * For `npm run dev`, before anything starts: throws a RouteTableSourceError naming the source and the
 * bad entry when the route table the Worker would get is unusable; an unset table is fine.
 */
export function assertDevRouteTable(
  env: Record<string, string | undefined> = process.env,
  wranglerToml = WRANGLER_TOML,
): void {
  const check = checkRouteTable(findRouteTable(env, wranglerToml));
  if (!check.ok) throw new RouteTableSourceError(`the route table is invalid: ${check.message}`);
}
