// The "Sign-in methods" section: linked provider accounts (provider, email, linked, last used) with an
// Unlink form each, and a "Link <Provider>" link for every configured provider not linked yet.
import { type ProviderChoice, providerStartHref } from "../components/provider-links.tsx";
import { Time } from "../components/time.tsx";
import type { View } from "../view.ts";
import { SECURITY_PATH } from "./guard.ts";

export type IdentityRow = {
  id: string;
  provider: string;
  email: string | null;
  linkedAt: string;
  lastUsedAt: string | null;
};

/** The unlink form's action for one identity. */
export const unlinkPath = (identityId: string) => `${SECURITY_PATH}/identities/${identityId}/unlink`;

export function IdentitiesSection(props: { view: View; identities: IdentityRow[]; linkable: ProviderChoice[] }) {
  const { view, identities, linkable } = props;
  const s = view.t.identities.security;
  return (
    <section aria-labelledby="identities-heading" id="identities">
      <h2 id="identities-heading">{s.heading}</h2>
      <p>{s.intro}</p>
      {identities.length === 0 ? (
        <p class="muted" id="identities-none">
          {s.none}
        </p>
      ) : (
        <table id="identity-list">
          <thead>
            <tr>
              <th scope="col">{s.provider}</th>
              <th scope="col">{s.email}</th>
              <th scope="col">{s.linked}</th>
              <th scope="col">{s.lastUsed}</th>
              <th scope="col">{s.actions}</th>
            </tr>
          </thead>
          <tbody>
            {identities.map((identity) => (
              <tr data-identity-id={identity.id}>
                <th scope="row">{identity.provider}</th>
                <td>{identity.email ?? ""}</td>
                <td>
                  <Time view={view} at={identity.linkedAt} dateOnly />
                </td>
                <td>{identity.lastUsedAt ? <Time view={view} at={identity.lastUsedAt} dateOnly /> : s.neverUsed}</td>
                <td>
                  <form method="post" action={unlinkPath(identity.id)}>
                    <button type="submit" class="danger" aria-label={s.unlinkLabel(identity.provider)}>
                      {s.unlink}
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {linkable.length > 0 ? (
        <ul class="links" id="identity-link-providers">
          {linkable.map((provider) => (
            <li>
              <a
                class="button secondary"
                id={`link-${provider.id}`}
                href={providerStartHref(provider.id, { intent: "link", return_to: SECURITY_PATH })}
              >
                {s.linkProvider(provider.displayName)}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
