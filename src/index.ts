// The Worker's entry point.
import { createApp } from "./app.ts";
import type { Bindings } from "./config/index.ts";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Bindings>;
