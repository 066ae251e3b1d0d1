#!/usr/bin/env bash
# bytelab CI gate: submit a sweep through a bytelab server's REST API, wait for it, and exit with the verdict.
#
#   BYTELAB_API_URL=https://bytelab.example:3000 BYTELAB_TOKEN=blk_... \
#     docs/ci/gate.sh SPEC [verdict flags...]
#
#   SPEC            a sweep spec file (YAML or JSON), e.g. docs/ci/gate-sweep.yaml
#   verdict flags   what to compare against, passed to `bytelab verdict` (default: --baseline-previous-commit):
#                     --baseline-value 2.9          a fixed bits-per-byte
#                     --baseline-run NAME|ID        a named run (e.g. your main branch's)
#                     --baseline-previous-commit    the same config's latest finished run at another commit
#                   and --metric (default test/bpb), --tolerance (default 0.02), --inconclusive pass|fail
#
# Exit codes (those of `bytelab verdict`): 0 pass; 1 regression (a run failed or diverged, or the metric got
# worse by more than the tolerance) or inconclusive; 2 invalid spec or flags; 3 server unreachable.
#
# The commit SHA is the Idempotency-Key: a retried CI job never launches the sweep twice, and the sweep is
# submitted with --repeat so every commit trains its own runs (the same config is otherwise reused).
set -euo pipefail

spec="${1:?usage: gate.sh SPEC [verdict flags...] (see the comment at the top)}"
shift
[[ $# -gt 0 ]] || set -- --baseline-previous-commit
: "${BYTELAB_API_URL:?set BYTELAB_API_URL to the bytelab server, e.g. http://ci-box:3000}"
: "${BYTELAB_TOKEN:?set BYTELAB_TOKEN to an API key with write scope (npx bytelab keys create --name ci)}"

commit="${GITHUB_SHA:-${CI_COMMIT_SHA:-$(git rev-parse HEAD 2>/dev/null || echo unknown)}}"
bytelab="${BYTELAB_CLI:-npx --no-install bytelab}"

echo "bytelab gate: submitting ${spec} for commit ${commit} to ${BYTELAB_API_URL}"
submitted="$($bytelab sweep submit "$spec" --repeat --idempotency-key "bytelab-gate-${commit}-$(basename "$spec")" --json)"
sweep_id="$(printf '%s' "$submitted" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).sweepId))')"
echo "bytelab gate: sweep ${sweep_id} (${BYTELAB_API_URL%/}/sweeps/${sweep_id}); waiting for its runs"

exec $bytelab verdict --sweep "$sweep_id" --wait "$@"
