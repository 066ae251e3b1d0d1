/** What a page shows where its data could not be read (Postgres down, a misconfigured server). */
export function LoadError({ what, error }: { what: string; error: unknown }) {
  const message = errorMessage(error);
  return (
    <div className="notice error" role="alert">
      <strong>Could not load {what}.</strong> {message}
    </div>
  );
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const details = (error as { details?: Array<{ path: string; issue: string }> }).details;
    if (details?.length && error.name === "ApiError") return details.map((d) => d.issue).join("; ");
    return error.message || error.name;
  }
  return String(error);
}

/** A service NotFoundError (checked by its code: pages and the service may be bundled apart). */
export function isNotFound(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "NOT_FOUND";
}
