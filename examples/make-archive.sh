#!/usr/bin/env bash
# Rebuilds examples/gitops.tar.gz from examples/gitops/ the way a Git host serves an archive: `git archive` of a
# commit, with the commit id in the pax header. Author and dates are fixed so the commit id is reproducible.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/driftwatch-archive-XXXXXX")"
trap 'rm -rf "$work"' EXIT
cp -R "$here/gitops/." "$work/"
cd "$work"
export GIT_AUTHOR_NAME=demo GIT_AUTHOR_EMAIL=demo@example.com GIT_COMMITTER_NAME=demo GIT_COMMITTER_EMAIL=demo@example.com
export GIT_AUTHOR_DATE='2026-11-01T08:00:00Z' GIT_COMMITTER_DATE='2026-11-01T08:00:00Z'
git init -q -b main .
git add -A
git commit -q -m "Demo GitOps repository"
git archive --format=tar.gz --prefix=shop-gitops/ -o "$here/gitops.tar.gz" HEAD
echo "examples/gitops.tar.gz at commit $(git rev-parse HEAD)"
