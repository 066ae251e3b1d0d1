import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Collects a child's output: every line goes to its log file, the last `keep` lines stay in memory for
 * the crash report, and (optionally) each line is echoed to the terminal with a `[name]` prefix.
 */
export class OutputTail {
  private readonly lines: string[] = [];
  private partial = "";

  constructor(
    private readonly logFile: string,
    private readonly echo: ((line: string) => void) | null,
    private readonly keep = 40,
  ) {
    mkdirSync(dirname(logFile), { recursive: true });
    appendFileSync(logFile, `\n--- ${new Date().toISOString()} ---\n`);
  }

  write(chunk: Buffer | string): void {
    const text = this.partial + chunk.toString();
    const parts = text.split(/\r?\n/);
    this.partial = parts.pop() ?? "";
    if (parts.length === 0) return;
    appendFileSync(this.logFile, `${parts.join("\n")}\n`);
    for (const line of parts) {
      this.lines.push(line);
      if (this.lines.length > this.keep) this.lines.shift();
      if (this.echo && line.trim() !== "") this.echo(line);
    }
  }

  /** The last lines, for "it crashed, here is why" (from the log file when the process writes it itself). */
  text(): string {
    const lines = [...this.lines, this.partial].filter((l) => l !== "");
    if (lines.length === 0 && existsSync(this.logFile)) {
      return readFileSync(this.logFile, "utf8").trimEnd().split("\n").slice(-this.keep).join("\n");
    }
    return lines.join("\n");
  }

  get file(): string {
    return this.logFile;
  }
}
