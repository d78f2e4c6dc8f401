#!/usr/bin/env bash
# The GitHub Action's run step (action.yml): `yarc run` on the inputs, reports into REPORT_DIR,
# totals and the exit code into GITHUB_OUTPUT. Inputs come as environment variables:
#   PATHS, ARGS   one argument per line (a path or a value may hold spaces); a single line is
#                 split on spaces instead, as `paths: a b` and `args: --jobs 4` read naturally
#   ENV_NAME      the environment (--env), if any
#   REPORT_DIR    where the JSON, JUnit and HTML reports are written
set -euo pipefail

# Fills the array named $1 with the arguments of one input ($2).
split_input() {
    local -n into=$1
    into=()
    local line
    if [[ "$2" == *$'\n'* ]]; then
        while IFS= read -r line || [ -n "$line" ]; do
            line=${line%$'\r'}
            if [ -n "$line" ]; then into+=("$line"); fi
        done <<< "$2"
    else
        read -r -a into <<< "$2"
    fi
}

mkdir -p "$REPORT_DIR"
env_args=()
if [ -n "${ENV_NAME:-}" ]; then env_args=(--env "$ENV_NAME"); fi
split_input path_args "${PATHS:-}"
split_input more_args "${ARGS:-}"
set +e
yarc run "${path_args[@]}" "${env_args[@]}" \
    --report "json:$REPORT_DIR/yarc.json" \
    --report "junit:$REPORT_DIR/junit.xml" \
    --report "html:$REPORT_DIR/report.html" \
    "${more_args[@]}"
code=$?
set -e
if [ -f "$REPORT_DIR/yarc.json" ]; then
    jq -r '.summary | "passed=\(.passed)", "failed=\(.failed + .errored + .invalid)", "skipped=\(.skipped)"' \
        "$REPORT_DIR/yarc.json" >> "$GITHUB_OUTPUT"
fi
echo "exit-code=$code" >> "$GITHUB_OUTPUT"
exit "$code"
