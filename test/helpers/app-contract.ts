// The response contract (contract.ts) over the document the app builds: what the workers tests hold every
// answer to (worker.ts), and what src/features/openapi/contract.test.ts compares with the app's routes.
import { createApp } from "../../src/app.ts";
import { buildOpenApiDocument } from "../../src/features/openapi/document.ts";
import { type ContractDocument, createResponseContract } from "./contract.ts";

export const { documentedOperations, assertDocumentedResponse } = createResponseContract(
  async () => (await buildOpenApiDocument(createApp() as never)) as unknown as ContractDocument,
);
