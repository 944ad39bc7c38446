// issue 16: the API reference page's English messages (the `apiDocs` part of the catalog in en.ts).
export const openapiEn = {
  title: "API reference",
  intro: (version: string) =>
    `The JSON API of this gateway, version ${version}, from its OpenAPI 3.1 document. Errors answer {"error": {"code", "message"}}.`,
  documentLink: "The OpenAPI document (JSON)",
  contents: "Contents",
  signedIn: "Needs a session: the session cookie or Authorization: Bearer <access token>.",
  optionalSession: "Uses a session when one is presented.",
  parameters: "Parameters",
  requestBody: "Request body (application/json)",
  optionalBody: "optional",
  responses: "Responses",
  errorCodes: "Error codes",
  noBody: "No body.",
  required: "required",
  schema: "Schema",
};
