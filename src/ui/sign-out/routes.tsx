// GET /auth/sign-out shows a button (a link or prefetch must never sign anyone out); POST signs out.
import { Hono } from "hono";
import { logOut } from "../../features/session/log-out.ts";
import { authenticate } from "../../features/session/middleware.ts";
import type { AppEnv } from "../../http/app-env.ts";
import { authDependencies, clientInfo } from "../../http/auth-context.ts";
import { clearSessionCookies, readRefreshTokenCookie } from "../../http/cookies.ts";
import { PostForm } from "../components/form.tsx";
import { readForm } from "../form-body.ts";
import { renderPage, seeOther } from "../render.tsx";

export const signOutRoutes = new Hono<AppEnv>()
  .get("/auth/sign-out", (c) =>
    renderPage(c, { title: ({ t }) => t.signOut.title }, ({ t }) => (
      <div class="card">
        <h1>{t.signOut.title}</h1>
        <p>{t.signOut.prompt}</p>
        <PostForm action="/auth/sign-out">
          <button type="submit">{t.signOut.submit}</button>
        </PostForm>
      </div>
    )),
  )
  .post("/auth/sign-out", async (c) => {
    await readForm(c);
    const deps = await authDependencies(c);
    // An expired access cookie must not stop a sign-out: the refresh cookie names the session too.
    const current = await authenticate(c).catch(() => undefined);
    clearSessionCookies(c);
    await logOut(deps, { current, refreshToken: readRefreshTokenCookie(c), client: await clientInfo(c) });
    return seeOther(c, "/auth/signed-out");
  })
  .get("/auth/signed-out", (c) =>
    renderPage(c, { title: ({ t }) => t.signOut.doneTitle }, ({ t }) => (
      <div class="card">
        <h1>{t.signOut.doneTitle}</h1>
        <p role="status">{t.signOut.done}</p>
        <p>
          <a class="button" href="/auth/sign-in">
            {t.signOut.signInAgain}
          </a>
        </p>
      </div>
    )),
  );
