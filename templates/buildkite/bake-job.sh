#!/usr/bin/env bash
# bake-matrix for Buildkite: copy to .buildkite/bake-job.sh (see pipeline.yml).
# One step of `bake-matrix ci default --format buildkite`, which sets
# BAKE_MATRIX_JOB (the step's id) and BAKE (its `bake-matrix run` arguments:
# target names and `--set <target>.cache-to=` for the targets an earlier level
# built, which it reads from their registry cache).
set -euo pipefail
source .buildkite/env.sh
npm ci --no-audit --no-fund
mkdir -p metadata
metadata="metadata/$BAKE_MATRIX_JOB.json"
if [[ "$BAKE_PUSH" == true ]]; then
  flags=(--push)
else
  flags=(--set "*.cache-to=" --set "*.output=type=cacheonly")
fi
status=0
# $BAKE holds target names and `--set <target>.cache-to=` flags ([A-Za-z0-9_.=-] only): split into words on purpose.
npx bake-matrix run $BAKE "${flags[@]}" --progress=plain --metadata-file "$metadata" 2>&1 | tee bake.log || status=$?
npx bake-matrix report --log bake.log --metadata-file "$metadata" --title "$BUILDKITE_LABEL" | buildkite-agent annotate --style info --context "$BAKE_MATRIX_JOB" || true
exit "$status"
