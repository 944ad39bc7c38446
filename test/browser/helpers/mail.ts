// Reads what the gateway "sent" from the development outbox (GET /dev/outbox), as a newcomer reads /dev/mail.
import { z } from "zod";
import { baseUrl } from "./browser.ts";

const OutboxMessage = z.object({
  id: z.string(),
  recipient: z.string(),
  template: z.string(),
  subject: z.string().nullable(),
  text: z.string(),
  status: z.string(),
  createdAt: z.string(),
});
const Outbox = z.object({ messages: z.array(OutboxMessage) });

export type OutboxMessage = z.infer<typeof OutboxMessage>;

/** The gateway as the test process reaches it: wrangler listens on 127.0.0.1, and Node may try ::1 first. */
export function gatewayUrlFromNode(path: string): string {
  const url = new URL(path, baseUrl());
  url.hostname = "127.0.0.1";
  return url.toString();
}

/** The outbox's newest messages (at most 50, newest first). */
export async function readOutbox(): Promise<OutboxMessage[]> {
  const response = await fetch(gatewayUrlFromNode("/dev/outbox"));
  if (!response.ok) throw new Error(`GET /dev/outbox answered ${response.status}`);
  return Outbox.parse(await response.json()).messages;
}

/**
 * Waits for the newest message to `recipient` (optionally of one template) that is not in `seen`;
 * mail goes out after the response (waitUntil), so it may arrive a moment later.
 */
export async function waitForMail(
  recipient: string,
  options: { template?: string; seen?: ReadonlySet<string>; timeoutMs?: number } = {},
): Promise<OutboxMessage> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  const wanted = recipient.toLowerCase();
  while (Date.now() < deadline) {
    const message = (await readOutbox()).find(
      (m) =>
        m.recipient.toLowerCase() === wanted &&
        (options.template === undefined || m.template === options.template) &&
        !options.seen?.has(m.id),
    );
    if (message) return message;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no ${options.template ?? ""} mail to ${recipient} within ${options.timeoutMs ?? 10_000} ms`);
}

/** The 6-digit code in a message's text. */
export function codeFrom(message: OutboxMessage): string {
  const code = /\b(\d{6})\b/.exec(message.text)?.[1];
  if (!code) throw new Error(`no code in the ${message.template} message`);
  return code;
}

/** The links in a message's text. */
export function linksFrom(message: OutboxMessage): string[] {
  return [...message.text.matchAll(/https?:\/\/[^\s<>"]+/g)].map((match) => match[0]);
}
