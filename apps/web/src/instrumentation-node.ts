import { unsafeAuthReason } from "./lib/auth/mode";
import { apiEnv } from "./lib/env";

// Imported once at server start (instrumentation.ts): BYTELAB_AUTH=off on an address beyond 127.0.0.1 would
// open every mutation to the network, so the server stops before answering anything.
let reason: string | null;
try {
  reason = unsafeAuthReason(apiEnv());
} catch (error) {
  const details = (error as { details?: Array<{ path: string; issue: string }> }).details ?? [];
  reason = `invalid settings: ${details.map((d) => `${d.path}: ${d.issue}`).join("; ") || String(error)}`;
}
if (reason) {
  console.error(`bytelab web: refusing to start: ${reason}`);
  process.exit(1);
}
