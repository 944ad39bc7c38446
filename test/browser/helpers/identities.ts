// Unique sign-up details per test, so parallel tests never meet in the shared database.
import { randomUUID } from "node:crypto";

/** A fresh address, e.g. `demo-3f9c2a1b@example.com`. */
export function uniqueEmail(label = "user"): string {
  return `${label}-${randomUUID().slice(0, 8)}@example.com`;
}

/** A password the policy accepts (long, not common, not the address). */
export function uniquePassword(): string {
  return `Tessellate ${randomUUID().slice(0, 13)} lanterns`;
}
