// Node loader hook for scripts that import the Worker's route modules (npm run openapi): a `.wasm`
// import (Argon2, Prisma's query compiler) becomes an empty module, since describing routes runs none.
import { register } from "node:module";

const hooks = `
export async function load(url, context, nextLoad) {
  if (/\\.wasm(\\?|$)/.test(url)) return { format: "module", source: "export default undefined;", shortCircuit: true };
  return nextLoad(url, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
