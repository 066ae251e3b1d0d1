/**
 * The one error type of @bytelab/data. Every message names the dataset it is about and ends
 * with what the user can do about it, so the CLI and the API can show it verbatim.
 */
export class DatasetError extends Error {
  override readonly name = "DatasetError";

  constructor(
    /** The dataset name as the user wrote it, e.g. "brown", "file:notes.txt". */
    readonly dataset: string,
    /** What went wrong, without the fix. */
    readonly problem: string,
    /** What to do about it. */
    readonly fix: string,
    options?: { cause?: unknown },
  ) {
    super(`dataset "${dataset}": ${problem}. ${fix}`, options);
  }
}
