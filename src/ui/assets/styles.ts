// The hosted pages' one stylesheet: system fonts, light and dark by prefers-color-scheme unless a signed-in
// user chose one (<html data-theme>), readable on a phone.
// The accent colour is appended from config (BRAND_ACCENT_COLOR), so it never needs inline style.

const BASE_CSS = `
*,*::before,*::after{box-sizing:border-box}
:root{color-scheme:light dark;--bg:#f6f7f9;--card:#fff;--text:#1a1d23;--muted:#545b66;--line:#c9ced6;--error:#b3261e;--ok:#1e6b34;--focus:#1a56db}
@media (prefers-color-scheme:dark){:root{--bg:#111318;--card:#1c1f26;--text:#eceef2;--muted:#b4bac4;--line:#4a505b;--error:#ffb4ab;--ok:#8fd8a0;--focus:#9ab8ff}}
:root[data-theme=light]{color-scheme:light;--bg:#f6f7f9;--card:#fff;--text:#1a1d23;--muted:#545b66;--line:#c9ced6;--error:#b3261e;--ok:#1e6b34;--focus:#1a56db}
:root[data-theme=dark]{color-scheme:dark;--bg:#111318;--card:#1c1f26;--text:#eceef2;--muted:#b4bac4;--line:#4a505b;--error:#ffb4ab;--ok:#8fd8a0;--focus:#9ab8ff}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:100%;line-height:1.5;background:var(--bg);color:var(--text)}
body{margin:0;min-height:100vh;display:flex;flex-direction:column;align-items:center}
a{color:var(--link)}a:hover{text-decoration-thickness:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:var(--card);padding:.5rem;z-index:1}
header.brand{display:flex;align-items:center;gap:.6rem;padding:1.5rem 1rem .5rem;font-weight:600;font-size:1.1rem}
header.brand img{height:2rem;width:auto}
main{width:100%;max-width:30rem;padding:0 1rem 2rem}
main.wide{max-width:48rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:.75rem;padding:1.5rem;margin:1rem 0}
h1{font-size:1.5rem;margin:0 0 1rem;line-height:1.25}h2{font-size:1.15rem;margin:0 0 .75rem}
p{margin:0 0 1rem}.muted{color:var(--muted)}
label{display:block;font-weight:600;margin:0 0 .25rem}
.field{margin:0 0 1rem}.hint{color:var(--muted);font-size:.9rem;margin:.1rem 0 .35rem}
input[type=text],input[type=email],input[type=password],input[type=tel],input:not([type]){width:100%;padding:.6rem .7rem;font:inherit;color:inherit;background:var(--bg);border:1px solid var(--line);border-radius:.45rem}
input[aria-invalid=true]{border-color:var(--error);border-width:2px}
textarea{width:100%;min-height:6rem;padding:.6rem .7rem;font:inherit;color:inherit;background:var(--bg);border:1px solid var(--line);border-radius:.45rem}.check{display:flex;gap:.5rem;align-items:flex-start}
.field-error{color:var(--error);font-weight:600;margin:.25rem 0}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
button,.button{display:inline-block;font:inherit;font-weight:600;padding:.6rem 1.1rem;border-radius:.45rem;border:1px solid var(--accent);background:var(--accent);color:var(--on-accent);cursor:pointer;text-decoration:none}
button.secondary,.button.secondary{background:transparent;color:var(--text);border-color:var(--line)}
button.danger{background:transparent;color:var(--error);border-color:var(--error)}
button.block,.button.block{width:100%}.button.block{text-align:center}
.providers{list-style:none;padding:0;margin:0}.providers li{margin:.5rem 0}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;margin:1rem 0 0}
.divider{display:flex;align-items:center;gap:.75rem;color:var(--muted);margin:1rem 0}.divider::before,.divider::after{content:"";flex:1;border-top:1px solid var(--line)}
.summary{border:2px solid var(--error);border-radius:.5rem;padding:1rem;margin:0 0 1rem}
.summary h2{color:var(--error);font-size:1.05rem}.summary ul{margin:0;padding-left:1.2rem}
.notice{border-left:4px solid var(--ok);padding:.5rem .75rem;margin:0 0 1rem}
.links{list-style:none;padding:0;margin:1rem 0 0}.links li{margin:.35rem 0}
table{width:100%;border-collapse:collapse}th,td{text-align:left;padding:.45rem .35rem;border-bottom:1px solid var(--line);vertical-align:top}
pre,code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.9rem}pre{white-space:pre-wrap;word-break:break-word;background:var(--bg);padding:.75rem;border-radius:.45rem}
footer{color:var(--muted);font-size:.85rem;padding:1rem}
[hidden]{display:none!important}
`;

/** Black or white text on the accent, whichever contrasts more (WCAG relative luminance). */
function textOn(hex: string): string {
  const full = hex.length === 4 ? `#${[...hex.slice(1)].map((d) => d + d).join("")}` : hex;
  const [r, g, b] = [1, 3, 5].map((i) => {
    const channel = Number.parseInt(full.slice(i, i + 2), 16) / 255;
    return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
  return (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) ? "#000" : "#fff";
}

/** The stylesheet for `accentColor` (validated as #rgb/#rrggbb by the config schema). */
export function stylesheetFor(accentColor: string): string {
  // Links use the accent only where it reads on both backgrounds; otherwise the text colour's focus blue.
  return `${BASE_CSS}:root{--accent:${accentColor};--on-accent:${textOn(accentColor)};--link:var(--focus)}\n`;
}
