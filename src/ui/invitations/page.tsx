// The invitation pages: what the invitation offers and, by who is signed in, accept/decline, sign out,
// or sign in / create the invited account; the invalid-link, joined and declined pages.
import { ErrorSummary, Field, type FormState, PostForm } from "../components/form.tsx";
import type { View } from "../view.ts";

/** What the page shows about a live invitation. */
export type InvitationSummary = {
  token: string;
  email: string;
  tenantName: string;
  inviter: string | null;
  roles: string[];
};

/** Who looks at it: nobody signed in, the invited address (verified or not), or someone else. */
export type Viewer =
  | { kind: "anonymous" }
  | { kind: "addressee"; verified: boolean }
  | { kind: "other"; email: string };

export const ANSWER_PATH = "/auth/invitations/answer";
export const SIGN_UP_PATH = "/auth/invitations/sign-up";

const acceptPageOf = (token: string) => `/auth/invitations/accept?token=${encodeURIComponent(token)}`;

function DeclineForm({ view, token }: { view: View; token: string }) {
  return (
    <PostForm action={ANSWER_PATH}>
      <input type="hidden" name="token" value={token} />
      <input type="hidden" name="answer" value="decline" />
      <button type="submit" class="secondary block" id="invitation-decline">
        {view.t.invitations.decline}
      </button>
    </PostForm>
  );
}

function NewAccountForm({
  view,
  invitation,
  state,
  minLength,
}: {
  view: View;
  invitation: InvitationSummary;
  state: FormState;
  minLength: number;
}) {
  const { t } = view;
  return (
    <section aria-labelledby="new-account-heading">
      <h2 id="new-account-heading">{t.invitations.newAccountHeading}</h2>
      <p>{t.invitations.newAccountIntro(invitation.email)}</p>
      <PostForm action={SIGN_UP_PATH}>
        <input type="hidden" name="token" value={invitation.token} />
        <Field
          name="name"
          label={t.common.name}
          hint={t.invitations.nameHint}
          autocomplete="name"
          required={false}
          state={state}
        />
        <Field
          name="password"
          type="password"
          label={t.common.password}
          hint={t.invitations.passwordRules(minLength)}
          autocomplete="new-password"
          minlength={minLength}
          state={state}
          secret
        />
        <button type="submit" class="block" id="invitation-create-account">
          {t.invitations.createAccount}
        </button>
      </PostForm>
    </section>
  );
}

function Answers(props: {
  view: View;
  invitation: InvitationSummary;
  viewer: Viewer;
  state: FormState;
  minLength: number;
}) {
  const { view, invitation, viewer } = props;
  const { t } = view;
  if (viewer.kind === "addressee" && viewer.verified)
    return (
      <PostForm action={ANSWER_PATH}>
        <input type="hidden" name="token" value={invitation.token} />
        <input type="hidden" name="answer" value="accept" />
        <button type="submit" class="block" id="invitation-accept">
          {t.invitations.accept}
        </button>
      </PostForm>
    );
  if (viewer.kind === "addressee")
    return (
      <>
        <p>{t.invitations.unverified}</p>
        <p>
          <a class="button" href="/auth/verify-email" id="invitation-verify">
            {t.invitations.verify}
          </a>
        </p>
      </>
    );
  if (viewer.kind === "other")
    return (
      <>
        <p id="invitation-other-account">{t.invitations.otherAccount(viewer.email, invitation.email)}</p>
        <PostForm action="/auth/sign-out">
          <button type="submit" id="invitation-sign-out">
            {t.invitations.signOut}
          </button>
        </PostForm>
      </>
    );
  const signIn = `/auth/sign-in?return_to=${encodeURIComponent(acceptPageOf(invitation.token))}`;
  return (
    <>
      <p>
        {t.invitations.haveAccount}{" "}
        <a href={signIn} id="invitation-sign-in">
          {t.invitations.signIn}
        </a>
      </p>
      <NewAccountForm view={view} invitation={invitation} state={props.state} minLength={props.minLength} />
    </>
  );
}

export function InvitationPage(props: {
  view: View;
  invitation: InvitationSummary;
  viewer: Viewer;
  state: FormState;
  minLength: number;
}) {
  const { view, invitation } = props;
  const { t } = view;
  return (
    <div class="card">
      <h1>{t.invitations.heading(invitation.tenantName)}</h1>
      <ErrorSummary view={view} state={props.state} />
      <p>
        {invitation.inviter
          ? t.invitations.invitedBy(invitation.inviter, invitation.tenantName)
          : t.invitations.invited(invitation.tenantName)}
      </p>
      <dl>
        <dt>{t.invitations.address}</dt>
        <dd id="invitation-email">{invitation.email}</dd>
        <dt>{t.invitations.roles}</dt>
        <dd id="invitation-roles">{invitation.roles.join(", ")}</dd>
      </dl>
      <Answers {...props} />
      <p class="muted">{t.invitations.declineIntro}</p>
      <DeclineForm view={view} token={invitation.token} />
    </div>
  );
}

export function InvalidInvitationPage({ view }: { view: View }) {
  return (
    <div class="card">
      <h1>{view.t.invitations.invalidTitle}</h1>
      <p id="invitation-invalid">{view.t.invitations.invalid}</p>
    </div>
  );
}

export function JoinedPage({ view, tenantName }: { view: View; tenantName: string }) {
  return (
    <div class="card">
      <h1>{view.t.invitations.joinedTitle}</h1>
      <p role="status" id="invitation-joined">
        {view.t.invitations.joined(tenantName)}
      </p>
      <p>
        <a class="button" href="/">
          {view.t.invitations.continue}
        </a>
      </p>
    </div>
  );
}

export function DeclinedPage({ view }: { view: View }) {
  return (
    <div class="card">
      <h1>{view.t.invitations.declinedTitle}</h1>
      <p role="status" id="invitation-declined">
        {view.t.invitations.declined}
      </p>
    </div>
  );
}
