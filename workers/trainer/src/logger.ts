/** One-line logs with a level and the worker id, on stdout/stderr (the launcher prefixes and files them). */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function createLogger(scope: string): Logger {
  const line = (level: string, message: string) =>
    `${new Date().toISOString()} ${level} [${scope}] ${message}`;
  return {
    info: (m) => console.log(line("info", m)),
    warn: (m) => console.warn(line("warn", m)),
    error: (m) => console.error(line("error", m)),
  };
}
