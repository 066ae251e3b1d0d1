/**
 * Runs once when the server starts. On the Node.js runtime: refuse to serve with auth switched off on a
 * non-loopback address (see instrumentation-node.ts). Nothing to do on the Edge runtime.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") await import("./instrumentation-node");
}
