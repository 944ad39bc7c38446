// Reads what the development outbox delivered, through the real GET /dev/outbox.
import type { WorkerClient } from "./worker.ts";

export type OutboxEntry = { recipient: string; template: string; subject: string; text: string | null; status: string };

export async function outboxFor(worker: WorkerClient, recipient: string): Promise<OutboxEntry[]> {
  const response = await worker.fetch("/dev/outbox");
  const { messages } = (await response.json()) as { messages: OutboxEntry[] };
  return messages.filter((message) => message.recipient === recipient);
}

export const codeIn = (text: string | null) => /code is (\d{6})/.exec(text ?? "")?.[1] ?? "";
export const tokenIn = (text: string | null) => /token=([A-Za-z0-9_-]{43})/.exec(text ?? "")?.[1] ?? "";
