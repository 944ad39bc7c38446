// Picks the message catalog for a request from Accept-Language, with English as the fallback.
import { en, type Messages } from "./en.ts";

export type { Messages } from "./en.ts";

/** Every catalog, by primary language subtag. Adding a language is one file and one line here. */
const CATALOGS: Record<string, Messages> = { en };

/** The locales a user may choose as a preference: exactly the catalogues' own tags. */
export const CATALOG_LOCALES: readonly string[] = Object.values(CATALOGS).map((catalog) => catalog.locale);

/** The catalog whose tag is `locale` (a stored preference), or undefined when there is none. */
export function catalogFor(locale: string): Messages | undefined {
  return Object.values(CATALOGS).find((catalog) => catalog.locale === locale);
}

/** The catalog for the best language in `acceptLanguage` (RFC 9110 §12.5.4 q-values), else English. */
export function messagesFor(acceptLanguage: string | undefined): Messages {
  if (!acceptLanguage) return en;
  const wanted = acceptLanguage
    .split(",")
    .slice(0, 20)
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => /^\s*q=([01](\.\d{0,3})?)\s*$/.exec(p)?.[1]).find(Boolean);
      return { language: tag.trim().toLowerCase().split("-")[0] ?? "", q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { language } of wanted) {
    const catalog = CATALOGS[language];
    if (catalog) return catalog;
  }
  return en;
}
