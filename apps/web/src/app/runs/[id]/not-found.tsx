import Link from "next/link";
import { MissingRunId } from "../../../components/runs/missing-run-id";
import { StoredTheme } from "../../../components/runs/stored-theme";

/** /runs/<id> for an id that does not exist: say so, and lead back to the runs table. */
export default function RunNotFound() {
  return (
    <main className="page">
      <StoredTheme />
      <h1 className="title">Run not found</h1>
      <p>
        There is no run with the id <MissingRunId />. It may have been deleted with its sweep, or the link is
        mistyped.
      </p>
      <p>
        <Link href="/runs">Back to all runs</Link>
      </p>
    </main>
  );
}
