// The account page's username-and-picture form and its preferences form (theme, language, time zone).
// The picture is shown as its address, not an <img>: the page CSP keeps img-src to our own origin,
// so no user-chosen host learns when this page (or an admin's view of it) is opened.
import { AVATAR_URL_MAX_LENGTH, THEMES, TIME_ZONE_MAX_LENGTH } from "../../features/profile/schemas.ts";
import type { Preferences } from "../../features/profile/service.ts";
import { USERNAME_MAX_LENGTH } from "../../features/profile/username.ts";
import { ErrorSummary, Field, type FormState, PostForm } from "../components/form.tsx";
import { CATALOG_LOCALES } from "../messages/index.ts";
import type { View } from "../view.ts";

type HandleProps = {
  view: View;
  user: { username: string | null; avatarUrl: string | null };
  state: FormState | undefined;
};

export function HandleForm({ view, user, state }: HandleProps) {
  const t = view.t.profileSettings.handle;
  const values = state ?? { values: { username: user.username ?? "", avatar_url: user.avatarUrl ?? "" } };
  return (
    <div data-section="handle" id="handle">
      <h3>{t.heading}</h3>
      {state ? <ErrorSummary view={view} state={state} /> : null}
      {user.avatarUrl ? (
        <p class="muted">
          {t.currentAvatar}: <code data-current-avatar>{user.avatarUrl}</code>
        </p>
      ) : null}
      <PostForm action="/auth/account/profile">
        <Field
          name="username"
          label={t.username}
          hint={t.usernameHint}
          autocomplete="username"
          required={false}
          state={values}
          maxlength={USERNAME_MAX_LENGTH}
        />
        <Field
          name="avatar_url"
          label={t.avatar}
          hint={t.avatarHint}
          autocomplete="photo"
          required={false}
          state={values}
          maxlength={AVATAR_URL_MAX_LENGTH}
        />
        <button type="submit" id="save-profile">
          {t.submit}
        </button>
      </PostForm>
    </div>
  );
}

function SelectError({ name, state }: { name: string; state: FormState | undefined }) {
  const error = state?.errors?.[name];
  return error ? (
    <p class="field-error" id={`${name}-error`}>
      {error}
    </p>
  ) : null;
}

type PreferencesProps = { view: View; preferences: Preferences; state: FormState | undefined };

export function PreferencesSection({ view, preferences, state }: PreferencesProps) {
  const t = view.t.profileSettings.preferences;
  const theme = state?.values?.theme ?? preferences.theme;
  const locale = state?.values?.locale ?? preferences.locale ?? "";
  return (
    <section aria-labelledby="preferences-heading" id="preferences" data-section="preferences">
      <h2 id="preferences-heading">{t.heading}</h2>
      {state ? <ErrorSummary view={view} state={state} /> : null}
      <PostForm action="/auth/account/preferences">
        <div class="field">
          <label for="theme">{t.theme}</label>
          <SelectError name="theme" state={state} />
          <select id="theme" name="theme" aria-describedby={state?.errors?.theme ? "theme-error" : undefined}>
            {THEMES.map((value) => (
              <option value={value} selected={theme === value}>
                {t.themes[value] ?? value}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="locale">{t.language}</label>
          <SelectError name="locale" state={state} />
          <select id="locale" name="locale" aria-describedby={state?.errors?.locale ? "locale-error" : undefined}>
            <option value="" selected={locale === ""}>
              {t.browserLanguage}
            </option>
            {CATALOG_LOCALES.map((value) => (
              <option value={value} selected={locale === value}>
                {t.languages[value] ?? value}
              </option>
            ))}
          </select>
        </div>
        <Field
          name="time_zone"
          label={t.timeZone}
          hint={t.timeZoneHint}
          autocomplete="off"
          required={false}
          state={state ?? { values: { time_zone: preferences.timeZone ?? "" } }}
          maxlength={TIME_ZONE_MAX_LENGTH}
        />
        <button type="submit" id="save-preferences">
          {t.submit}
        </button>
      </PostForm>
    </section>
  );
}
