// The link-proof page: what a pending identity link needs next (sign in to the account, confirm, sign
// out of another account), or that the request is gone. Every action is a link or a same-origin form.
import { ErrorSummary, type FormState, PostForm } from "../components/form.tsx";
import type { View } from "../view.ts";

export const LINK_PATH = "/auth/link";
export const SIGN_IN_TO_LINK = `/auth/sign-in?return_to=${encodeURIComponent(LINK_PATH)}`;

/** What the page shows, decided by the route from the intent and the session. */
export type LinkPageState =
  | { kind: "sign_in"; email: string; provider: string }
  | { kind: "confirm"; email: string; provider: string }
  | { kind: "wrong_account"; signedInAs: string }
  | { kind: "expired" };

function CancelForm({ view }: { view: View }) {
  return (
    <PostForm action={`${LINK_PATH}/cancel`}>
      <button type="submit" class="secondary" id="link-cancel">
        {view.t.identities.link.cancel}
      </button>
    </PostForm>
  );
}

export function LinkPage({ view, state, form = {} }: { view: View; state: LinkPageState; form?: FormState }) {
  const l = view.t.identities.link;
  switch (state.kind) {
    case "sign_in":
      return (
        <div class="card">
          <h1>{l.heading(state.provider)}</h1>
          <ErrorSummary view={view} state={form} />
          <p id="link-intro">{l.proveIntro(state.email, state.provider)}</p>
          <p class="hint">{l.proveHint}</p>
          <div class="actions">
            <a class="button" href={SIGN_IN_TO_LINK} id="link-sign-in">
              {l.signIn}
            </a>
            <CancelForm view={view} />
          </div>
        </div>
      );
    case "confirm":
      return (
        <div class="card">
          <h1>{l.heading(state.provider)}</h1>
          <ErrorSummary view={view} state={form} />
          <p id="link-intro">{l.confirmIntro(state.email, state.provider)}</p>
          <div class="actions">
            <PostForm action={LINK_PATH}>
              <button type="submit" id="link-confirm">
                {l.confirm(state.provider)}
              </button>
            </PostForm>
            <CancelForm view={view} />
          </div>
        </div>
      );
    case "wrong_account":
      return (
        <div class="card">
          <h1>{l.title}</h1>
          <p id="link-intro">{l.wrongAccount(state.signedInAs)}</p>
          <p>
            <a class="button" href="/auth/sign-out" id="link-sign-out">
              {l.signOut}
            </a>
          </p>
        </div>
      );
    case "expired":
      return (
        <div class="card">
          <h1>{l.expiredTitle}</h1>
          <ErrorSummary view={view} state={form} />
          <p id="link-intro">{l.expired}</p>
          <p>
            <a class="button" href="/auth/sign-in" id="link-back">
              {l.backToSignIn}
            </a>
          </p>
        </div>
      );
  }
}
