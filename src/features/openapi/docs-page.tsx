// The API reference page: the OpenAPI document rendered on the server, operations grouped by tag.
import type { View } from "../../ui/view.ts";
import type { OpenApiDocument } from "./document.ts";

type Schema = Record<string, unknown>;
type Parameter = { name: string; in: string; required?: boolean; description?: string; schema?: Schema };
type MediaTypes = Record<string, { schema?: Schema }>;
type Operation = {
  operationId: string;
  tags?: string[];
  summary?: string;
  description?: string;
  security?: object[];
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: MediaTypes };
  responses: Record<string, { description?: string; content?: MediaTypes }>;
};
type Entry = { method: string; path: string; operation: Operation };

const json = (value: unknown) => JSON.stringify(value, null, 2);

/** The `error.code` enum of an error response, or undefined for another body. */
function errorCodesIn(schema: Schema | undefined): string[] | undefined {
  const error = (schema?.properties as Record<string, Schema> | undefined)?.error;
  const code = (error?.properties as Record<string, Schema> | undefined)?.code;
  return Array.isArray(code?.enum) ? (code.enum as string[]) : undefined;
}

function entriesByTag(document: OpenApiDocument): Map<string, Entry[]> {
  const byTag = new Map<string, Entry[]>();
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods as Record<string, Operation>)) {
      const tag = operation.tags?.[0] ?? "other";
      byTag.set(tag, [...(byTag.get(tag) ?? []), { method: method.toUpperCase(), path, operation }]);
    }
  }
  return byTag;
}

function Responses({ view, operation }: { view: View; operation: Operation }) {
  const t = view.t.apiDocs;
  return (
    <table>
      <tbody>
        {Object.entries(operation.responses).map(([status, response]) => {
          const schema = response.content?.["application/json"]?.schema;
          const codes = errorCodesIn(schema);
          return (
            <tr>
              <th scope="row">{status}</th>
              <td>
                {codes ? (
                  <p>
                    {t.errorCodes}:{" "}
                    {codes.map((code) => (
                      <code>{code} </code>
                    ))}
                  </p>
                ) : (
                  <p>{response.description ?? ""}</p>
                )}
                {schema && !codes ? (
                  <details>
                    <summary>{t.schema}</summary>
                    <pre>{json(schema)}</pre>
                  </details>
                ) : response.content ? null : (
                  <p>{t.noBody}</p>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function OperationSection({ view, entry }: { view: View; entry: Entry }) {
  const t = view.t.apiDocs;
  const { operation } = entry;
  const signedIn = operation.security?.some((requirement) => "cookieSession" in requirement);
  const optional = operation.security?.some((requirement) => Object.keys(requirement).length === 0);
  // JSON first; a form-only body (a provider's form_post callback) is shown too.
  const content = operation.requestBody?.content;
  const body = (content?.["application/json"] ?? Object.values(content ?? {})[0])?.schema;
  return (
    <section id={operation.operationId} aria-labelledby={`${operation.operationId}-title`}>
      <h3 id={`${operation.operationId}-title`}>
        <code>
          {entry.method} {entry.path}
        </code>
      </h3>
      <p>
        {operation.summary} (<code>{operation.operationId}</code>)
      </p>
      {operation.description ? <p>{operation.description}</p> : null}
      {signedIn ? <p>{optional ? t.optionalSession : t.signedIn}</p> : null}
      {operation.parameters?.length ? (
        <>
          <h4>{t.parameters}</h4>
          <ul>
            {operation.parameters.map((parameter) => (
              <li>
                <code>{parameter.name}</code> ({parameter.in}
                {parameter.required ? `, ${t.required}` : ""}): <code>{json(parameter.schema ?? {})}</code>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {body ? (
        <>
          <h4>
            {t.requestBody}
            {operation.requestBody?.required === false ? ` (${t.optionalBody})` : ""}
          </h4>
          <pre>{json(body)}</pre>
        </>
      ) : null}
      <h4>{t.responses}</h4>
      <Responses view={view} operation={operation} />
    </section>
  );
}

/** The reference body: contents by tag, then each operation with its parameters, bodies and errors. */
export function ApiReference({
  view,
  document,
}: {
  view: View;
  document: OpenApiDocument & { info: { version: string } };
}) {
  const t = view.t.apiDocs;
  const byTag = entriesByTag(document);
  return (
    <>
      <h1>{t.title}</h1>
      <p>{t.intro(document.info.version)}</p>
      <p>
        <a href="/auth/openapi.json">{t.documentLink}</a>
      </p>
      <nav aria-label={t.contents}>
        <ul>
          {[...byTag.keys()].map((tag) => (
            <li>
              <a href={`#tag-${tag}`}>{tag}</a>
            </li>
          ))}
        </ul>
      </nav>
      {[...byTag].map(([tag, entries]) => (
        <section id={`tag-${tag}`} aria-labelledby={`tag-${tag}-title`}>
          <h2 id={`tag-${tag}-title`}>{tag}</h2>
          {entries.map((entry) => (
            <OperationSection view={view} entry={entry} />
          ))}
        </section>
      ))}
    </>
  );
}
