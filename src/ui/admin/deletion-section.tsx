// The console's deletion forms on a user's page: soft delete (typed DELETE) for an active user, and a
// permanent delete (typed email address) for any user.
import type { PresentedUserDetail } from "../../features/admin/present.ts";
import { Field, type FormState, PostForm } from "../components/form.tsx";
import type { View } from "../view.ts";
import { userPagePath } from "./guard.tsx";

export function DeletionSection(props: {
  view: View;
  user: PresentedUserDetail;
  retentionDays: number;
  state: FormState;
}) {
  const { view, user, retentionDays, state } = props;
  const a = view.t.admin;
  const base = userPagePath(user.profile.id);
  return (
    <section aria-labelledby="deletion-heading">
      <h2 id="deletion-heading">{a.deletion}</h2>
      {user.profile.status === "ACTIVE" ? (
        <PostForm action={`${base}/delete`}>
          <Field
            name="confirm"
            label={a.confirmLabel}
            hint={a.softDeleteHint(retentionDays)}
            autocomplete="off"
            maxlength={64}
            state={state}
          />
          <button type="submit" class="danger">
            {a.softDelete}
          </button>
        </PostForm>
      ) : null}
      <PostForm action={`${base}/hard-delete`}>
        <Field
          name="confirm_email"
          label={a.confirmLabel}
          hint={a.hardDeleteHint}
          autocomplete="off"
          maxlength={254}
          state={state}
        />
        <button type="submit" class="danger">
          {a.hardDelete}
        </button>
      </PostForm>
    </section>
  );
}
