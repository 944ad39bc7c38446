// The response contract (contract.ts) over the committed docs/openapi.json, for tests that run in Node
// and cannot build the app's document: the examples' typed clients and the browser tests.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { paths } from "../../scripts/lib/paths.ts";
import { type ContractDocument, createResponseContract } from "../helpers/contract.ts";

export const committedContract = createResponseContract(
  () => JSON.parse(readFileSync(join(paths.root, "docs/openapi.json"), "utf8")) as ContractDocument,
);
