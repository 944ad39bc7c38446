// Every hosted page, each behind pageSecurity (nonce CSP, no framing, no caching, HTML errors).
import { Hono } from "hono";
import type { AppEnv } from "../http/app-env.ts";
import { accountEmailRoutes } from "./account/email-routes.tsx";
import { accountPhoneRoutes } from "./account/phone-routes.tsx";
import { accountRoutes } from "./account/routes.tsx";
import { assetRoutes } from "./assets/routes.ts";
import { devMailRoutes } from "./dev-mail/routes.tsx";
import { pageSecurity } from "./page-security.ts";
import { signInRoutes } from "./sign-in/routes.tsx";
import { signOutRoutes } from "./sign-out/routes.tsx";

const pages = new Hono<AppEnv>()
  .route("/", signInRoutes)
  .route("/", signOutRoutes)
  .route("/", devMailRoutes)
  .route("/", accountRoutes)
  .route("/", accountEmailRoutes)
  .route("/", accountPhoneRoutes);

export const uiRoutes = new Hono<AppEnv>();
// Scoped to the pages' own paths: a bare use() would wrap the JSON API and the gateway too.
for (const path of new Set(pages.routes.map((route) => route.path))) uiRoutes.use(path, pageSecurity());
uiRoutes.route("/", assetRoutes);
uiRoutes.route("/", pages);
