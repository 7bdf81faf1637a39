#!/bin/sh
# Entry point of the serving images: the framework's server, with the container's arguments.
set -eu
# shellcheck disable=SC2086 # SERVE_COMMAND is a command line, split on purpose
exec ${SERVE_COMMAND} "$@"
