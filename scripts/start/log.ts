/** Progress lines of `npm start`: one line per step, aligned, colour only on a terminal. */
const tty = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
const paint = (code: string, text: string) => (tty ? `\u001b[${code}m${text}\u001b[0m` : text);

export const color = {
  green: (t: string) => paint("32", t),
  red: (t: string) => paint("31", t),
  yellow: (t: string) => paint("33", t),
  dim: (t: string) => paint("2", t),
  bold: (t: string) => paint("1", t),
};

const PREFIX = "bytelab";

export const log = {
  /** A step begins. */
  step: (text: string) => console.log(`${color.dim(PREFIX)} ${color.dim("…")} ${text}`),
  /** A step finished; `sinceMs` is the performance.now() at its start. */
  done: (text: string, sinceMs?: number) =>
    console.log(
      `${color.dim(PREFIX)} ${color.green("✓")} ${text}${sinceMs === undefined ? "" : color.dim(` (${seconds(sinceMs)})`)}`,
    ),
  info: (text: string) => console.log(`${color.dim(PREFIX)}   ${text}`),
  warn: (text: string) => console.error(`${color.dim(PREFIX)} ${color.yellow("!")} ${text}`),
  error: (text: string) => console.error(`${color.dim(PREFIX)} ${color.red("✗")} ${text}`),
};

export function seconds(sinceMs: number): string {
  return `${((performance.now() - sinceMs) / 1000).toFixed(1)} s`;
}
