const HOST = /^([a-z0-9.-]+|\[[0-9a-f:.]+\])(:\d{1,5})?$/i;

/**
 * The origin the client reached this server at (for links in answers): the Host it sent (or the proxy's
 * X-Forwarded-Host / -Proto). `request.url` is not it: Next builds that from its own hostname (localhost),
 * which is wrong for any client on another machine. Falls back to request.url's origin for odd values.
 */
export function requestOrigin(request: Request): string {
  const url = new URL(request.url);
  const first = (name: string) => request.headers.get(name)?.split(",")[0]?.trim() || null;
  const host = first("x-forwarded-host") ?? first("host");
  const proto = first("x-forwarded-proto") ?? url.protocol.slice(0, -1);
  if (!host || !HOST.test(host) || (proto !== "http" && proto !== "https")) return url.origin;
  return `${proto}://${host.toLowerCase()}`;
}
