// The overview's last section: download your data, and the way to the delete-account page.
import type { View } from "../view.ts";

export function DeletionSection({ view, retentionDays }: { view: View; retentionDays: number }) {
  const { t } = view;
  return (
    <section aria-labelledby="deletion-heading" id="delete-account" data-section="deletion">
      <h2 id="deletion-heading">{t.account.deletion.heading}</h2>
      <p>{t.account.deletion.exportIntro}</p>
      <p>
        <a class="button secondary" href="/auth/account/export" id="export-data" download>
          {t.account.deletion.exportLink}
        </a>
      </p>
      <p>{t.account.deletion.intro(retentionDays)}</p>
      <p>
        <a class="button secondary" href="/auth/account/deletion" id="delete-account-link">
          {t.account.deletion.link}
        </a>
      </p>
    </section>
  );
}
