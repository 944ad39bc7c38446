// Reads hosted pages in workerd tests with HTMLRewriter (the streaming parser Workers ship): the parts
// a user sees and a form submits — headings, errors, inputs, forms, links, scripts.
import type { TestClient } from "./client.ts";

export type PageElement = { tag: string; attributes: Record<string, string>; text: string };

export type ParsedPage = {
  status: number;
  headers: Headers;
  title: string;
  h1: string;
  /** Text of the error summary's items (role="alert"). */
  summary: string[];
  /** Field name → its error text. */
  fieldErrors: Record<string, string>;
  inputs: PageElement[];
  forms: PageElement[];
  links: PageElement[];
  scripts: PageElement[];
  buttons: PageElement[];
  /** Every element with an inline style or on* handler attribute (must stay empty under our CSP). */
  inlineHandlers: PageElement[];
  text: string;
  html: string;
};

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", "#x27": "'" };
/** HTMLRewriter hands text over as written: decode the entities our renderer emits. */
const decode = (text: string) =>
  text.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_, name: string) => ENTITIES[name] ?? "");

/** Parses an HTML response (consumes its body). */
export async function readPage(response: Response): Promise<ParsedPage> {
  const html = await response.text();
  const page: ParsedPage = {
    status: response.status,
    headers: response.headers,
    title: "",
    h1: "",
    summary: [],
    fieldErrors: {},
    inputs: [],
    forms: [],
    links: [],
    scripts: [],
    buttons: [],
    inlineHandlers: [],
    text: "",
    html,
  };
  const collect = (tag: string, list: PageElement[]) => ({
    element(element: Element) {
      list.push({ tag, attributes: Object.fromEntries(element.attributes), text: "" });
    },
  });
  let currentFieldError = "";
  const textOf = (assign: (text: string) => void) => ({
    text(chunk: Text) {
      assign(chunk.text);
    },
  });
  let inSummaryItem = false;
  const rewriter = new HTMLRewriter()
    .on(
      "title",
      textOf((t) => (page.title += t)),
    )
    .on(
      "h1",
      textOf((t) => (page.h1 += t)),
    )
    .on("#error-summary li", {
      element() {
        page.summary.push("");
        inSummaryItem = true;
      },
      text(chunk) {
        if (inSummaryItem) page.summary[page.summary.length - 1] += chunk.text;
      },
    })
    .on(".field-error", {
      element(element) {
        const field = (element.getAttribute("id") ?? "").replace(/-error$/, "");
        page.fieldErrors[field] = "";
        currentFieldError = field;
      },
      text(chunk) {
        page.fieldErrors[currentFieldError] += chunk.text;
      },
    })
    .on("input", collect("input", page.inputs))
    .on("form", collect("form", page.forms))
    .on("script", collect("script", page.scripts))
    .on("a", {
      element(element) {
        page.links.push({ tag: "a", attributes: Object.fromEntries(element.attributes), text: "" });
      },
      text(chunk) {
        const last = page.links[page.links.length - 1];
        if (last) last.text += chunk.text;
      },
    })
    .on("button", {
      element(element) {
        page.buttons.push({ tag: "button", attributes: Object.fromEntries(element.attributes), text: "" });
      },
      text(chunk) {
        const last = page.buttons[page.buttons.length - 1];
        if (last) last.text += chunk.text;
      },
    })
    .on("*", {
      element(element) {
        const attributes = Object.fromEntries(element.attributes);
        if (Object.keys(attributes).some((name) => name === "style" || name.startsWith("on")))
          page.inlineHandlers.push({ tag: element.tagName, attributes, text: "" });
      },
    })
    .on(
      "body",
      textOf((t) => (page.text += t)),
    );
  await rewriter.transform(new Response(html)).text();
  page.summary = page.summary.map((item) => decode(item.trim())).filter(Boolean);
  for (const key of Object.keys(page.fieldErrors)) page.fieldErrors[key] = decode(page.fieldErrors[key]?.trim() ?? "");
  for (const element of [...page.links, ...page.buttons]) element.text = decode(element.text.trim());
  page.text = decode(page.text.replace(/\s+/g, " ").trim());
  page.h1 = decode(page.h1.trim());
  page.title = decode(page.title);
  return page;
}

/** The input named `name`, or undefined. */
export const inputNamed = (page: ParsedPage, name: string) =>
  page.inputs.find((input) => input.attributes.name === name);

/** POSTs `fields` urlencoded, as a browser's form submission does (same-origin by default). */
export function submitForm(
  client: TestClient,
  path: string,
  fields: Record<string, string>,
  options: { origin?: string | null; headers?: Record<string, string> } = {},
): Promise<Response> {
  return client.request(path, {
    method: "POST",
    body: new URLSearchParams(fields).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded", ...options.headers },
    origin: options.origin,
  });
}
