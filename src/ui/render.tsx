// Renders a page: builds the View for the request and wraps the body in the layout.
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import { findPreferences } from "../features/profile/service.ts";
import type { AppEnv } from "../http/app-env.ts";
import { stylesheetAsset } from "./assets/registry.ts";
import { Layout } from "./components/layout.tsx";
import { catalogFor, messagesFor } from "./messages/index.ts";
import type { View } from "./view.ts";

/**
 * The View of this request: for a signed-in user (pageSession() ran), the catalog and theme of their
 * preferences, read with one primary-key lookup on the connection the page already opened; otherwise
 * the catalog Accept-Language picks and the device's theme.
 */
export async function viewOf(c: Context<AppEnv>): Promise<View> {
  const brand = c.var.config.brand;
  const userId = c.get("pageUserId");
  // A display preference never fails a page: the error page for a database outage renders through here too.
  const preferences = userId ? await findPreferences(c.var.db(), userId).catch(() => undefined) : undefined;
  const chosen = preferences?.locale ? catalogFor(preferences.locale) : undefined;
  return {
    t: chosen ?? messagesFor(c.req.header("accept-language")),
    theme: preferences ? (preferences.theme.toLowerCase() as View["theme"]) : "system",
    preferences,
    brand,
    nonce: c.get("cspNonce") ?? "",
    stylesheetPath: (await stylesheetAsset(brand.accentColor)).path,
    requestId: c.var.requestId,
  };
}

export type PageOptions = {
  title: string | ((view: View) => string);
  status?: 200 | 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 423 | 429 | 500 | 503;
  wide?: boolean;
  scripts?: string[];
};

/** An HTML response: `body(view)` inside the layout. */
export async function renderPage(
  c: Context<AppEnv>,
  options: PageOptions,
  body: (view: View) => Child,
): Promise<Response> {
  const view = await viewOf(c);
  const html = (
    <Layout
      view={view}
      title={typeof options.title === "function" ? options.title(view) : options.title}
      wide={options.wide}
      scripts={options.scripts}
    >
      {body(view)}
    </Layout>
  );
  c.header("Content-Language", view.t.locale);
  return c.html(`<!doctype html>${await html}`, options.status ?? 200);
}

/** Post/Redirect/Get: 303 so the browser follows with a GET. */
export function seeOther(c: Context<AppEnv>, location: string): Response {
  return c.redirect(location, 303);
}
