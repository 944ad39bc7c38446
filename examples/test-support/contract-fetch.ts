// The fetch the examples' typed clients send through: it records every request, and holds every answer of a
// documented gateway operation to the committed docs/openapi.json (test/helpers/contract.ts), throwing on
// an undocumented status or a body the document does not describe, so the calling test fails.
import type { FetchLike } from "@portcullis/client";
import { committedContract as contract } from "../../test/node/committed-contract.ts";

export type RecordingFetch = FetchLike & {
  /** How many requests were sent to `METHOD /path` (e.g. `POST /auth/refresh`). */
  count: (route: string) => number;
  /** Every request sent, as `METHOD /path`, in order. */
  sent: () => readonly string[];
};

const platformFetch: FetchLike = (request) => fetch(request);

/** A fetch for `createBearerClient({ fetch })`: `inner` (the network by default), recorded and contract-checked. */
export function contractCheckedFetch(inner: FetchLike = platformFetch): RecordingFetch {
  const sent: string[] = [];
  const send = async (request: Request) => {
    const { method, url } = request;
    sent.push(`${method} ${new URL(url).pathname}`);
    const response = await inner(request);
    await contract.assertDocumentedResponse(method, url, response);
    return response;
  };
  return Object.assign(send, {
    count: (route: string) => sent.filter((entry) => entry === route).length,
    sent: () => sent,
  });
}
