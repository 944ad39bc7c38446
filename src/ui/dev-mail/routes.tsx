// GET /dev/mail: the development outbox as a page — each message readable, its links clickable; 404
// outside development or when mail goes to a real provider.
import { Hono } from "hono";
import type { AppEnv } from "../../http/app-env.ts";
import { AppError } from "../../http/app-error.ts";
import { renderPage } from "../render.tsx";

const LINK = /https?:\/\/[^\s<>"']+/g;

export const devMailRoutes = new Hono<AppEnv>().get("/dev/mail", async (c) => {
  if (c.var.config.environment !== "development" || c.var.config.mail.provider !== "outbox")
    throw new AppError("not_found");
  const messages = await c.var.db().outboxMessage.findMany({ orderBy: { createdAt: "desc" }, take: 50 });
  return renderPage(c, { title: ({ t }) => t.devMail.title, wide: true }, ({ t }) => (
    <>
      <h1>{t.devMail.title}</h1>
      <p class="muted">{t.devMail.intro}</p>
      {messages.length === 0 ? <p>{t.devMail.empty}</p> : null}
      {messages.map((message) => {
        const text = message.text ?? "";
        const links = [...new Set(text.match(LINK) ?? [])];
        return (
          <article class="card" data-message-id={message.id}>
            <h2>{message.subject}</h2>
            <p class="muted">
              {t.devMail.to}: <span data-recipient>{message.recipient}</span> · {t.devMail.sent}:{" "}
              <time datetime={message.createdAt.toISOString()}>{message.createdAt.toISOString()}</time>
            </p>
            <pre>{text}</pre>
            {links.length > 0 ? (
              <>
                <h3>{t.devMail.links}</h3>
                <ul class="links">
                  {links.map((link) => (
                    <li>
                      <a href={link}>{link}</a>
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </article>
        );
      })}
    </>
  ));
});
