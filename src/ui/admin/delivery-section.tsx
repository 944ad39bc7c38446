// issue 15: a user's delivery log on the console's user page: what was sent, how it went, why not.
import type { PresentedUserDetail } from "../../features/admin/present.ts";
import { formatDateTime, Time } from "../components/time.tsx";
import type { View } from "../view.ts";

const at = formatDateTime;

export function DeliverySection({ view, user }: { view: View; user: PresentedUserDetail }) {
  const d = view.t.delivery.admin;
  const mark = user.emailUndeliverable;
  return (
    <section aria-labelledby="delivery-heading" data-section="deliveries">
      <h2 id="delivery-heading">{d.heading}</h2>
      {mark ? <p data-undeliverable>{d.undeliverable(mark.reason ?? "", at(view, mark.at))}</p> : null}
      {user.deliveries.length === 0 ? (
        <p>{d.none}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{d.columns.time}</th>
              <th scope="col">{d.columns.channel}</th>
              <th scope="col">{d.columns.template}</th>
              <th scope="col">{d.columns.status}</th>
              <th scope="col">{d.columns.reason}</th>
            </tr>
          </thead>
          <tbody>
            {user.deliveries.map((entry) => (
              <tr data-delivery-id={entry.id} data-delivery-status={entry.status}>
                <td>
                  <Time view={view} at={entry.createdAt} />
                </td>
                <td>{entry.channel}</td>
                <td>{entry.template}</td>
                <td>{`${entry.status} · ${d.attempts(entry.attempts)}`}</td>
                <td>{entry.reason ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
