// issue 15: the login history table, shared by the account overview and the admin user view.
import type { PresentedLoginHistoryEntry } from "../../features/history/repository.ts";
import { describeUserAgent } from "../account/user-agent.ts";
import { Time } from "../components/time.tsx";
import type { View } from "../view.ts";

function methodLabel(view: View, entry: PresentedLoginHistoryEntry): string {
  const { t } = view;
  if (entry.method === "oauth" && entry.provider) return t.history.methods.oauth(entry.provider);
  if (entry.method === "federated") return t.history.methods.federated(entry.issuer ?? entry.provider ?? "?");
  return (entry.method && t.account.activity.methods[entry.method]) ?? entry.method ?? t.account.activity.unknownMethod;
}

function deviceName(view: View, userAgent: string | null): string {
  const device = describeUserAgent(userAgent);
  return device ? view.t.account.deviceOn(device.browser, device.os) : view.t.account.unknownDevice;
}

/** One row per sign-in attempt: time, result, method, device, ip_hash (shortened), session length. */
export function HistoryTable({ view, entries }: { view: View; entries: PresentedLoginHistoryEntry[] }) {
  const { t } = view;
  const c = t.history.columns;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{c.when}</th>
          <th scope="col">{c.result}</th>
          <th scope="col">{c.method}</th>
          <th scope="col">{c.device}</th>
          <th scope="col">{c.ipHash}</th>
          <th scope="col">{c.duration}</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((entry) => (
          <tr
            data-activity={entry.success ? "succeeded" : "failed"}
            data-method={entry.method ?? ""}
            data-duration={entry.durationMinutes ?? ""}
          >
            <td>
              <Time view={view} at={entry.at} />
            </td>
            <td>{entry.success ? t.account.activity.succeeded : t.account.activity.failed}</td>
            <td>{methodLabel(view, entry)}</td>
            <td title={entry.userAgent ?? ""}>{deviceName(view, entry.userAgent)}</td>
            <td title={entry.ipHash ?? ""}>{entry.ipHash ? entry.ipHash.slice(0, 12) : t.history.noIpHash}</td>
            <td>{t.history.duration(entry.durationMinutes)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
