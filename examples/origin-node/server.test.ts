// examples/origin-node behind the real gateway (examples/test-support/global-setup.ts): it serves a signed-in
// caller the identity it verified, and refuses requests that bypass the gateway or carry a forged assertion.
import { describe } from "vitest";
import { describeBehindGateway } from "../test-support/behind-gateway.ts";

describe("examples/origin-node behind the gateway", () => {
  describeBehindGateway("origin-node");
});
