// Reads what `wrangler deploy --dry-run --outdir` wrote: each file's gzip size, which package each part of
// the (unminified) index.js came from, and the summary of a start-up `.cpuprofile` by module.
import { gzipSync } from "node:zlib";

// esbuild starts each module's code in an unminified bundle with a `// <path>` line.
const MODULE_MARKER = /^\/\/ ((?:node_modules|src|\.\.?)\/\S+)$/;

/** `node_modules/@scope/name/…` → `@scope/name`; `src/features/x/…` → `src/features/x`. */
export function contributorOf(path: string): string {
  const parts = path.split("/");
  const at = parts.lastIndexOf("node_modules");
  if (at >= 0) {
    const name = parts[at + 1] ?? path;
    return name.startsWith("@") ? `${name}/${parts[at + 2] ?? ""}` : name;
  }
  if (parts[0] === "src") return parts.slice(0, parts[1] === "features" || parts[1] === "ui" ? 3 : 2).join("/");
  return path;
}

/** For each line of the bundle (0-based), the module whose code it is. */
export function lineOwners(source: string): string[] {
  let owner = "(bundle preamble)";
  return source.split("\n").map((line) => {
    const marker = MODULE_MARKER.exec(line);
    if (marker?.[1]) owner = marker[1];
    return owner;
  });
}

export type Contributor = { name: string; bytes: number; gzipBytes: number };

/**
 * Raw and gzip bytes per package. Each package's lines are compressed on their own, so the parts add up
 * to a little more than the whole file compressed at once.
 */
export function bundleContributors(source: string): Contributor[] {
  const lines = source.split("\n");
  const owners = lineOwners(source);
  const byName = new Map<string, string[]>();
  lines.forEach((line, index) => {
    const name = contributorOf(owners[index] ?? "");
    const list = byName.get(name) ?? [];
    list.push(line);
    byName.set(name, list);
  });
  return [...byName]
    .map(([name, group]) => {
      const text = Buffer.from(group.join("\n"));
      return { name, bytes: text.length, gzipBytes: gzipSync(text).length };
    })
    .sort((a, b) => b.gzipBytes - a.gzipBytes);
}

type ProfileNode = { id: number; callFrame: { functionName: string; url: string; lineNumber: number } };
export type CpuProfile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

export type StartupSummary = { cpuMs: number; idleMs: number; top: { name: string; selfMs: number }[] };

/** CPU time of the start-up profile (every sample but idle) and the largest self times, by module. */
export function summarizeStartupProfile(profile: CpuProfile, owners: string[], topCount = 12): StartupSummary {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map<string, number>();
  let cpu = 0;
  let idle = 0;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    const frame = nodes.get(id)?.callFrame;
    if (!frame || frame.functionName === "(idle)") {
      idle += delta;
      return;
    }
    cpu += delta;
    let name: string;
    if (frame.url.endsWith("index.js")) {
      name =
        frame.lineNumber < 0
          ? "(bundle top level: parse, compile, eager module bodies)"
          : contributorOf(owners[frame.lineNumber] ?? "");
    } else {
      name = frame.url ? `(runtime) ${frame.url}` : frame.functionName;
    }
    selfMicros.set(name, (selfMicros.get(name) ?? 0) + delta);
  });
  const ms = (micros: number) => Math.round(micros / 100) / 10;
  const top = [...selfMicros]
    .sort((a, b) => b[1] - a[1])
    .slice(0, topCount)
    .map(([name, micros]) => ({ name, selfMs: ms(micros) }));
  return { cpuMs: ms(cpu), idleMs: ms(idle), top };
}
