import { type ApiScope, authenticateApiKey } from "@bytelab/service";
import { ApiError } from "../errors";
import { apiEnv } from "../env";
import { serviceContext } from "../service-context";
import { anonymousAllowed, authMode } from "./mode";

/** The cookie the dashboard keeps an API key in when keys are required (set by POST /api/v1/session). */
export const SESSION_COOKIE = "bytelab_key";

export interface AuthInfo {
  /** The key the request authenticated with; null for an anonymous request (loopback, keys not required). */
  keyId: string | null;
  keyName: string | null;
  scopes: ApiScope[];
  /** How the key came: the Authorization header (any client) or the dashboard's session cookie. */
  via: "bearer" | "cookie" | "none";
  /** Who is rate limited: the key, or the client's address. */
  client: string;
}

const ALL_SCOPES: ApiScope[] = ["read", "write", "admin"];

function cookieValue(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k !== name) continue;
    try {
      return decodeURIComponent(v.join("="));
    } catch {
      return v.join("="); // not percent-encoded as we set it: checked (and refused) as it is
    }
  }
  return null;
}

/**
 * A state-changing request carried by the browser's ambient credentials (cookie, or none on loopback) must
 * come from the dashboard itself: a cross-site page must not be able to launch or cancel sweeps. Requests
 * with a bearer key are not at risk (a browser never adds that header by itself).
 */
function checkSameOrigin(request: Request): void {
  const site = request.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none")
    throw new ApiError(
      "FORBIDDEN",
      "Cross-site requests may not change anything; use the dashboard or an API key.",
    );
  const origin = request.headers.get("origin");
  if (!origin) return;
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    originHost = "";
  }
  if (!host || originHost !== host)
    throw new ApiError(
      "FORBIDDEN",
      `Cross-origin request from ${origin} refused: only the dashboard's own pages (or a client with an API key) may change anything.`,
    );
}

/**
 * Who is calling and whether they may do what `needed` allows ("public" routes skip everything). Keys come
 * from `Authorization: Bearer <secret>` or the dashboard's session cookie; without one, a request is
 * anonymous, allowed only when keys are not required (a loopback server) and, for changes, only from the
 * dashboard's own origin. 401 without a usable key where one is needed, 403 for a missing scope.
 */
export async function authorize(
  request: Request,
  needed: ApiScope | "public",
  method: string,
): Promise<AuthInfo> {
  const anonymous: AuthInfo = {
    keyId: null,
    keyName: null,
    scopes: ALL_SCOPES,
    via: "none",
    // One budget for every request without a key. Not per X-Forwarded-For: the client writes that header
    // (Next only fills it in when absent), so each made-up address would get a fresh budget. Requests without
    // a key are only served on loopback, where every client is this machine anyway.
    client: "anonymous",
  };
  const header = request.headers.get("authorization");
  const mutation = method !== "GET" && method !== "HEAD";
  if (needed === "public") {
    // Signing in or out (the session cookie) is a change too: not from another site's page.
    if (mutation && !header) checkSameOrigin(request);
    return anonymous;
  }
  const mode = authMode(apiEnv());
  let secret: string | null = null;
  let via: AuthInfo["via"] = "none";
  if (header) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match)
      throw new ApiError("UNAUTHORIZED", "The Authorization header must be `Bearer <API key>`.", [
        { path: "headers.authorization", issue: "not a bearer token" },
      ]);
    secret = match[1]!;
    via = "bearer";
  } else {
    secret = cookieValue(request.headers.get("cookie"), SESSION_COOKIE);
    if (secret) via = "cookie";
  }
  if (via !== "bearer" && mutation) checkSameOrigin(request);

  if (!secret) {
    if (mode.keysRequired)
      throw new ApiError(
        "UNAUTHORIZED",
        "This server requires an API key: send `Authorization: Bearer <key>` (create one with `npx bytelab keys create`).",
      );
    const host = request.headers.get("host");
    if (!anonymousAllowed(mode, host))
      throw new ApiError(
        "UNAUTHORIZED",
        `Without an API key this server answers only when addressed as localhost or 127.0.0.1 (this request named ${JSON.stringify(host ?? "")}): send \`Authorization: Bearer <key>\`, or use http://localhost.`,
      );
    return anonymous;
  }
  const auth = await authenticateApiKey(serviceContext(), secret);
  if (!auth.ok) {
    const why = {
      malformed: "is not a bytelab API key",
      unknown: "is not a known key",
      revoked: "was revoked",
    }[auth.reason];
    throw new ApiError(
      "UNAUTHORIZED",
      `The API key ${why}; create a new one with \`npx bytelab keys create\`.`,
    );
  }
  if (!auth.key.scopes.includes(needed))
    throw new ApiError(
      "FORBIDDEN",
      `The API key "${auth.key.name}" has scopes ${auth.key.scopes.join(", ")}; this needs ${needed}.`,
      [{ path: "scope", issue: `needs ${needed}` }],
    );
  return {
    keyId: auth.key.id,
    keyName: auth.key.name,
    scopes: auth.key.scopes,
    via,
    client: `key:${auth.key.id}`,
  };
}
