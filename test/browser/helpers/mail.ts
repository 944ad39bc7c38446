// Reads what the gateway "sent": from the development outbox's JSON (GET /dev/outbox), or from the
// /dev/mail page in the browser, as a newcomer reads it.
import type { Page } from "playwright-core";
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
  return codeIn(message.text);
}

/** The links in a message's text. */
export function linksFrom(message: OutboxMessage): string[] {
  return [...message.text.matchAll(/https?:\/\/[^\s<>"]+/g)].map((match) => match[0]);
}

export type DevMailMessage = { text: string; links: string[] };

/**
 * Opens /dev/mail in `page` as a newcomer would and returns the newest message to `recipient`
 * (optionally one whose text matches `pattern`), reloading until it is there.
 */
export async function openNewestMailInDevMail(
  page: Page,
  recipient: string,
  options: { pattern?: RegExp; timeoutMs?: number } = {},
): Promise<DevMailMessage> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  while (Date.now() < deadline) {
    await page.goto("/dev/mail");
    const articles = page.locator("article[data-message-id]").filter({
      has: page.locator("[data-recipient]", { hasText: recipient }),
    });
    for (const article of await articles.all()) {
      const text = (await article.locator("pre").textContent()) ?? "";
      if (options.pattern && !options.pattern.test(text)) continue;
      const links = await article
        .locator("ul.links a")
        .evaluateAll((anchors) => anchors.map((anchor) => (anchor as HTMLAnchorElement).href));
      return { text, links };
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no mail to ${recipient} on /dev/mail within ${options.timeoutMs ?? 10_000} ms`);
}

/** The 6-digit code in a text. */
export function codeIn(text: string): string {
  const code = /\b(\d{6})\b/.exec(text)?.[1];
  if (!code) throw new Error("no 6-digit code in the text");
  return code;
}
