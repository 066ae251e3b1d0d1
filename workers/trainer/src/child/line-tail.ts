/** The last `keep` lines of a stream (stdout + stderr of a training child), for failure reports. */
export class LineTail {
  private lines: string[] = [];
  private partial = "";

  constructor(
    private readonly keep = 60,
    private readonly onLine: (line: string) => void = () => {},
  ) {}

  write(chunk: Buffer | string): void {
    const parts = (this.partial + chunk.toString()).split(/\r?\n/);
    this.partial = parts.pop() ?? "";
    for (const line of parts) {
      if (line.trim() === "") continue;
      this.lines.push(line.length > 2_000 ? `${line.slice(0, 2_000)}…` : line);
      this.onLine(line);
    }
    if (this.lines.length > this.keep) this.lines = this.lines.slice(-this.keep);
  }

  /** The kept lines, oldest first, plus an unterminated last line. */
  text(): string[] {
    return this.partial.trim() === "" ? [...this.lines] : [...this.lines, this.partial];
  }

  clear(): void {
    this.lines = [];
    this.partial = "";
  }
}
