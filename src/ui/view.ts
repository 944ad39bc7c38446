// What every page needs to render: the request's message catalog, branding, CSP nonce, asset paths and theme.
import type { Config } from "../config/index.ts";
import type { Preferences } from "../features/profile/service.ts";
import type { Messages } from "./messages/index.ts";

export type View = {
  t: Messages;
  brand: Config["brand"];
  /** The per-response CSP nonce every <script> must carry. */
  nonce: string;
  stylesheetPath: string;
  requestId: string;
  /** `data-theme` on <html>: a signed-in user's choice; "system" follows prefers-color-scheme. */
  theme: "light" | "dark" | "system";
  /** The signed-in user's preferences; undefined on a page nobody is signed in to. */
  preferences: Preferences | undefined;
};
