/** A startup problem the user can fix: printed without a stack trace, with the fix, and exit code 1. */
export class StartError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = "StartError";
  }
}
