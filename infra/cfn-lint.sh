#!/usr/bin/env bash
# cfn-lint on the packaged template (default .serverless/cloudformation-template-update-stack.json).
# Fails on errors (E codes) only; warnings and informational findings are printed.
# cfn-lint comes from $CFN_LINT, else the test world's venv (test/world/build-binaries.sh builds it), else PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
template="${1:-.serverless/cloudformation-template-update-stack.json}"
cache="${DRIFTWATCH_CACHE:-$HOME/.cache/driftwatch}"
lint="${CFN_LINT:-}"
if [[ -z "$lint" && -x "$cache/moto-venv/bin/cfn-lint" ]]; then lint="$cache/moto-venv/bin/cfn-lint"; fi
if [[ -z "$lint" ]] && command -v cfn-lint >/dev/null 2>&1; then lint="$(command -v cfn-lint)"; fi
if [[ -z "$lint" ]]; then
  echo "cfn-lint not found: run 'bash test/world/build-binaries.sh' (prints CFN_LINT=<path>) or set CFN_LINT" >&2
  exit 2
fi
if [[ ! -f "$template" ]]; then
  echo "no template at $template: run 'npm run package' first" >&2
  exit 2
fi
"$lint" --version >&2
"$lint" --non-zero-exit-code error -- "$template"
echo "cfn-lint: no errors in $template" >&2
