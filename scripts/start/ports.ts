import { createServer } from "node:net";
import { StartError } from "./errors";

/** True when nothing listens on `port` (we can bind it ourselves on 127.0.0.1 and on all interfaces). */
export async function portIsFree(port: number): Promise<boolean> {
  for (const host of ["127.0.0.1", "0.0.0.0"]) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once("error", () => resolve(false));
      server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
    });
    if (!free) return false;
  }
  return true;
}

/** Fails with the variable that moves the service elsewhere, before anything was started. */
export async function assertPortFree(port: number, what: string, envVar: string): Promise<void> {
  if (await portIsFree(port)) return;
  throw new StartError(
    `port ${port} (${what}) is already in use by another program.`,
    `stop that program, or pick another port: ${envVar}=${port + 1} npm start`,
  );
}
