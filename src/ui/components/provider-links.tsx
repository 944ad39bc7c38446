// "Continue with <Provider>" for each configured social provider: plain links to the start route (a
// redirect chain after a form POST would fall under form-action 'self'; a link does not), no script.
import type { Config } from "../../config/index.ts";
import type { View } from "../view.ts";

/** What a page needs of a configured provider to offer it. */
export type ProviderChoice = { id: string; displayName: string };

/** The configured providers, in OAUTH_PROVIDERS order. */
export const providerChoicesOf = (config: Config): ProviderChoice[] =>
  config.oauthProviders.map(({ id, displayName }) => ({ id, displayName }));

/** `/auth/oauth/<id>/start` with `query` (return_to, intent). */
export function providerStartHref(providerId: string, query: Record<string, string>): string {
  const search = new URLSearchParams(query).toString();
  return `/auth/oauth/${encodeURIComponent(providerId)}/start${search ? `?${search}` : ""}`;
}

/** A divider and one link per provider; nothing at all when none is configured. */
export function ProviderLinks({
  view,
  providers,
  returnTo,
  intent,
}: {
  view: View;
  providers: ProviderChoice[];
  returnTo: string;
  /** "reauth": a step-up with a provider the user has linked. @default a sign-in */
  intent?: "reauth";
}) {
  if (providers.length === 0) return null;
  const { t } = view;
  const query: Record<string, string> = returnTo === "/" ? {} : { return_to: returnTo };
  if (intent) query.intent = intent;
  return (
    <div id="providers">
      <p class="divider">{t.identities.or}</p>
      <ul class="providers">
        {providers.map((provider) => (
          <li>
            <a
              class="button secondary block"
              href={providerStartHref(provider.id, query)}
              data-provider={provider.id}
              id={`provider-${provider.id}`}
            >
              {t.identities.continueWith(provider.displayName)}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
