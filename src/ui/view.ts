// What every page needs to render: the request's message catalog, branding, CSP nonce and asset paths.
import type { Config } from "../config/index.ts";
import type { Messages } from "./messages/index.ts";

export type View = {
  t: Messages;
  brand: Config["brand"];
  /** The per-response CSP nonce every <script> must carry. */
  nonce: string;
  stylesheetPath: string;
  requestId: string;
};
