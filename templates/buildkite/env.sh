# bake-matrix for Buildkite: copy to .buildkite/env.sh (see pipeline.yml).
# Sourced by bake-job.sh and the manifest step: the run-time values the bake
# file reads (VERSION, RELEASE_VERSION, CACHE_BRANCH, CACHE_PR_BASE, GIT_SHA;
# REGISTRY comes from the pipeline's environment), and BAKE_PUSH.
tagsafe() { printf '%s' "$1" | tr -c 'A-Za-z0-9_.-' '-' | cut -c1-100; }
CACHE_BRANCH="$(tagsafe "${BUILDKITE_BRANCH:-}")"
CACHE_PR_BASE=""
if [[ "${BUILDKITE_PULL_REQUEST:-false}" != false ]]; then CACHE_PR_BASE="$(tagsafe "${BUILDKITE_PULL_REQUEST_BASE_BRANCH:-}")"; fi
RELEASE_VERSION=""
VERSION="$CACHE_BRANCH"
if [[ "${BUILDKITE_TAG:-}" == v* ]]; then VERSION="${BUILDKITE_TAG#v}"; RELEASE_VERSION="$VERSION"; fi
BAKE_PUSH=false
if [[ "${BUILDKITE_PULL_REQUEST:-false}" == false && ( "${BUILDKITE_BRANCH:-}" == "${BUILDKITE_PIPELINE_DEFAULT_BRANCH:-}" || "${BUILDKITE_TAG:-}" == v* ) ]]; then BAKE_PUSH=true; fi
GIT_SHA="${BUILDKITE_COMMIT:-}"
export CACHE_BRANCH CACHE_PR_BASE RELEASE_VERSION VERSION BAKE_PUSH GIT_SHA
