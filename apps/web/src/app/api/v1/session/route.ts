import { authenticateApiKey } from "@bytelab/service";
import { requestOrigin } from "../../../../lib/api/origin";
import { route } from "../../../../lib/api/route";
import { API } from "../../../../lib/api/routes";
import { SESSION_COOKIE } from "../../../../lib/auth/authorize";
import { authMode } from "../../../../lib/auth/mode";
import { apiEnv } from "../../../../lib/env";
import { ApiError } from "../../../../lib/errors";
import { otherMethods } from "../../../../lib/api/other-methods";

export const dynamic = "force-dynamic";

function cookie(request: Request, value: string, maxAge: number): string {
  // https as the client sees it: behind a TLS-terminating proxy request.url says http (X-Forwarded-Proto).
  const secure = requestOrigin(request).startsWith("https:") ? "; Secure" : "";
  return `${SESSION_COOKIE}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure}`;
}

/** Checks the key and answers with it in an HTTP-only cookie (30 days); 401 for a key that does not work. */
export const POST = route(API.createSession, async ({ ctx, body, request }) => {
  const auth = await authenticateApiKey(ctx, body.key);
  if (!auth.ok)
    throw new ApiError(
      "UNAUTHORIZED",
      `That API key ${auth.reason === "revoked" ? "was revoked" : "is not valid"}.`,
      [
        {
          path: "body.key",
          issue: auth.reason,
          fix: "create a key with `npx bytelab keys create --name me`",
        },
      ],
    );
  const answer = {
    format: "bytelab.session/1" as const,
    signedIn: true,
    key: auth.key,
    keysRequired: authMode(apiEnv()).keysRequired,
  };
  return new Response(JSON.stringify(answer), {
    headers: {
      "content-type": "application/json",
      "cache-control": "no-store",
      "set-cookie": cookie(request, body.key, 30 * 24 * 3600),
    },
  });
});

export const DELETE = route(API.deleteSession, async ({ request }) => {
  const answer = {
    format: "bytelab.session/1" as const,
    signedIn: false,
    key: null,
    keysRequired: authMode(apiEnv()).keysRequired,
  };
  return new Response(JSON.stringify(answer), {
    headers: {
      "content-type": "application/json",
      "cache-control": "no-store",
      "set-cookie": cookie(request, "", 0),
    },
  });
});

export const { GET, PUT, PATCH } = otherMethods("POST", "DELETE");
