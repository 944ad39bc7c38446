// The one way hosted pages show a moment: in the signed-in user's time zone (their preference; UTC when
// unset or nobody is signed in) and the page's locale, inside <time datetime="ISO"> for machines.
import type { View } from "../view.ts";

type Moment = Date | string;

const toDate = (moment: Moment) => (typeof moment === "string" ? new Date(moment) : moment);

/** The IANA zone the page's times are shown in. */
export const timeZoneOf = (view: View) => view.preferences?.timeZone ?? "UTC";

function format(view: View, moment: Moment, options: Intl.DateTimeFormatOptions): string {
  const timeZone = timeZoneOf(view);
  try {
    return new Intl.DateTimeFormat(view.t.locale, { ...options, timeZone }).format(toDate(moment));
  } catch {
    // A zone this runtime no longer knows (stored under an older ICU): UTC rather than a failed page.
    return new Intl.DateTimeFormat(view.t.locale, { ...options, timeZone: "UTC" }).format(toDate(moment));
  }
}

/** Date and time with the zone's name, e.g. "Dec 3, 2026, 6:10 PM GMT+9". */
export const formatDateTime = (view: View, moment: Moment) =>
  format(view, moment, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZoneName: "short",
  });

/** The date only, in the user's zone, e.g. "Dec 3, 2026". */
export const formatDate = (view: View, moment: Moment) => format(view, moment, { dateStyle: "medium" });

/** `<time datetime="…Z">` showing the moment in the user's zone (the date only with `dateOnly`). */
export function Time({ view, at, dateOnly }: { view: View; at: Moment; dateOnly?: boolean }) {
  const date = toDate(at);
  return <time datetime={date.toISOString()}>{dateOnly ? formatDate(view, date) : formatDateTime(view, date)}</time>;
}
