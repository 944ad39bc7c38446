// The page shell: head (stylesheet, nonce'd scripts), brand header, main landmark and footer.
import type { Child } from "hono/jsx";
import type { View } from "../view.ts";

export type LayoutProps = {
  view: View;
  title: string;
  /** Wider column for the account page and tables. */
  wide?: boolean;
  /** Paths of same-origin scripts (hashed assets); each gets the response's nonce. */
  scripts?: string[];
  children?: Child;
};

export function Layout({ view, title, wide, scripts = [], children }: LayoutProps) {
  const { t, brand } = view;
  return (
    <html lang={t.locale} data-theme={view.theme}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <meta name="referrer" content="no-referrer" />
        <title>{`${title} · ${brand.name}`}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href={view.stylesheetPath} />
        {scripts.map((src) => (
          <script type="module" src={src} nonce={view.nonce} />
        ))}
      </head>
      <body>
        <a class="skip" href="#main">
          {t.common.skipToContent}
        </a>
        <header class="brand">
          {brand.logoUrl ? <img src={brand.logoUrl} alt="" /> : null}
          <span>{brand.name}</span>
        </header>
        <main id="main" class={wide ? "wide" : undefined}>
          {children}
        </main>
        <footer>{t.common.footer("Portcullis")}</footer>
      </body>
    </html>
  );
}
