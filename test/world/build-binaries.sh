#!/usr/bin/env bash
# Build (or reuse) the "world" binaries the driftwatch integration tests run
# against: real kube-apiserver, kubectl and etcd built from Go modules served by
# the Go module proxy, plus moto_server and cfn-lint in a Python venv.
#
# Everything is cached OUTSIDE the repo:
#   ${DRIFTWATCH_CACHE:-$HOME/.cache/driftwatch}/k8s-<k8s>-etcd-<etcd>/bin/{kube-apiserver,kubectl,etcd}
#   ${DRIFTWATCH_CACHE:-$HOME/.cache/driftwatch}/moto-venv/bin/{moto_server,cfn-lint}
# (Go's own module/build caches stay at their defaults, also outside the repo.)
#
# If KUBEBUILDER_ASSETS is set (envtest convention) it is used as-is instead of
# building; moto/cfn-lint are still ensured.
#
# Progress goes to stderr; stdout gets exactly:
#   KUBE_ASSETS=<folder with kube-apiserver, kubectl, etcd>
#   MOTO_SERVER=<path>
#   CFN_LINT=<path>
#
# Overridable versions (the cache folder is keyed by them):
#   DRIFTWATCH_K8S_VERSION   (default v1.34.4)  any k8s.io/kubernetes tag the proxy serves
#   DRIFTWATCH_ETCD_VERSION  (default v3.6.16)  any go.etcd.io/etcd/server/v3 tag
#   DRIFTWATCH_MOTO_VERSION  (default 5.2.5)
#   DRIFTWATCH_CFN_LINT_VERSION (default 1.58.0)
#   DRIFTWATCH_PYTHON        (default python3)
set -euo pipefail

K8S_VERSION="${DRIFTWATCH_K8S_VERSION:-v1.34.4}"
ETCD_VERSION="${DRIFTWATCH_ETCD_VERSION:-v3.6.16}"
MOTO_VERSION="${DRIFTWATCH_MOTO_VERSION:-5.2.5}"
CFN_LINT_VERSION="${DRIFTWATCH_CFN_LINT_VERSION:-1.58.0}"
PYTHON="${DRIFTWATCH_PYTHON:-python3}"
CACHE="${DRIFTWATCH_CACHE:-$HOME/.cache/driftwatch}"

log() { printf '[build-binaries %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

have_all() { # $1 = folder
  local b
  for b in kube-apiserver kubectl etcd; do
    [[ -f "$1/$b" && -x "$1/$b" ]] || return 1
  done
}

mkdir -p "$CACHE"
CACHE="$(cd "$CACHE" && pwd -P)"

# Serialise concurrent runs on one lock per artefact; the loser of the race
# waits, then finds the finished artefact. Builds also go to a temp folder and
# are renamed into place, so a killed run never leaves a half-filled folder.
with_lock() { # $1 = lock name, rest = command
  local name="$1"; shift
  if command -v flock >/dev/null 2>&1; then
    (
      exec 9>"$CACHE/.$name.lock"
      flock 9
      DW_LOCKED=1 "$@"
    )
  else
    "$@"
  fi
}

# ---------------------------------------------------------------------------
# Kubernetes + etcd
# ---------------------------------------------------------------------------
KEY="k8s-${K8S_VERSION}-etcd-${ETCD_VERSION}"
FINAL="$CACHE/$KEY"

go_env() {
  # GOWORK=off: the k8s.io/kubernetes module ships a go.work that must never
  # be picked up; GOTOOLCHAIN=local: use the installed Go, never fetch one.
  export GOWORK=off GOTOOLCHAIN="${GOTOOLCHAIN:-local}" CGO_ENABLED=0
  export GOFLAGS="-mod=mod -buildvcs=false"
  export GOPROXY="${GOPROXY:-https://proxy.golang.org,direct}"
}

build_k8s_and_etcd() {
  if have_all "$FINAL/bin"; then
    log "already built: $FINAL/bin"
    return 0
  fi
  command -v go >/dev/null 2>&1 || die "go is not installed"
  go_env
  log "building $KEY with $(go version)"

  local tmp
  # Holding the lock, any leftover temp folder is from a killed run.
  [[ -n "${DW_LOCKED:-}" ]] && rm -rf "$CACHE/.tmp-$KEY".*
  tmp="$(mktemp -d "$CACHE/.tmp-$KEY.XXXXXX")"
  # shellcheck disable=SC2064
  trap "rm -rf '$tmp'" EXIT
  mkdir -p "$tmp/bin" "$tmp/src/k8s" "$tmp/src/etcd"

  # --- kube-apiserver + kubectl -------------------------------------------
  local k8s_json k8s_gomod k8s_time
  log "fetching k8s.io/kubernetes@$K8S_VERSION go.mod (go mod download)"
  k8s_json="$(cd "$tmp/src/k8s" && go mod download -json "k8s.io/kubernetes@$K8S_VERSION")" \
    || die "go mod download k8s.io/kubernetes@$K8S_VERSION failed: $k8s_json"
  k8s_gomod="$(sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p' <<<"$k8s_json")"
  [[ -f "$k8s_gomod" ]] || die "no GoMod in: $k8s_json"
  k8s_time="$(sed -n 's/.*"Time":"\([^"]*\)".*/\1/p' "${k8s_gomod%.mod}.info" 2>/dev/null || true)"

  # staging version: v1.34.4 -> v0.34.4 (also works for -alpha.N etc.)
  local staging_version="v0.${K8S_VERSION#v1.}"
  local go_directive
  go_directive="$(awk '$1=="go"{print $2; exit}' "$k8s_gomod")"

  local staging
  staging="$(awk '$2=="=>" && $3 ~ /^\.\/staging\// {print $1}' "$k8s_gomod" | sort -u)"
  [[ -n "$staging" ]] || die "found no ./staging replaces in $k8s_gomod"
  log "k8s.io/kubernetes $K8S_VERSION maps $(wc -l <<<"$staging") staging modules; replacing them with $staging_version"

  {
    echo "module driftwatch.local/k8s-build"
    echo
    echo "go $go_directive"
    echo
    # keep k8s' own GODEBUG defaults (single lines and blocks)
    awk '/^godebug[[:space:]]*\(/{b=1} b||/^godebug[[:space:]]/{print} b&&/^\)/{b=0}' "$k8s_gomod"
    echo
    echo "require k8s.io/kubernetes $K8S_VERSION"
    echo
    echo "replace ("
    local m
    while read -r m; do
      printf '\t%s => %s %s\n' "$m" "$m" "$staging_version"
    done <<<"$staging"
    echo ")"
  } >"$tmp/src/k8s/go.mod"

  local major minor
  major="${K8S_VERSION#v}"; major="${major%%.*}"
  minor="${K8S_VERSION#v*.}"; minor="${minor%%.*}"
  local ld="-s -w" pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
    # the proxy doesn't tell the tag's commit; blank beats the "$Format:%H$" default
    ld+=" -X $pkg.gitTreeState=clean -X $pkg.gitCommit="
    [[ -n "$k8s_time" ]] && ld+=" -X $pkg.buildDate=${k8s_time}"
  done

  log "resolving kube-apiserver/kubectl dependencies (go get; cold: downloads a few hundred MB)"
  (cd "$tmp/src/k8s" && go get "k8s.io/kubernetes/cmd/kube-apiserver@$K8S_VERSION" "k8s.io/kubernetes/cmd/kubectl@$K8S_VERSION" >&2)
  log "compiling kube-apiserver + kubectl (cold Go caches: ~3-4 min on 2 cores; seconds when warm)"
  (cd "$tmp/src/k8s" && go build -trimpath -ldflags "$ld" -o "$tmp/bin/" \
      k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl >&2)

  # --- etcd ------------------------------------------------------------------
  # The module root of go.etcd.io/etcd/server/v3 is itself the etcd `main`
  # package (main.go calls etcdmain.Main(os.Args)).
  cat >"$tmp/src/etcd/go.mod" <<EOF
module driftwatch.local/etcd-build

go 1.24.0

require go.etcd.io/etcd/server/v3 $ETCD_VERSION
EOF
  log "resolving etcd $ETCD_VERSION dependencies"
  (cd "$tmp/src/etcd" && go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" >&2)
  log "compiling etcd"
  (cd "$tmp/src/etcd" && go build -trimpath \
      -ldflags "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=module-${ETCD_VERSION}" \
      -o "$tmp/bin/etcd" go.etcd.io/etcd/server/v3 >&2)

  have_all "$tmp/bin" || die "build finished but binaries are missing in $tmp/bin"
  "$tmp/bin/kube-apiserver" --version >&2
  "$tmp/bin/kubectl" version --client >&2
  "$tmp/bin/etcd" --version >&2

  # Move into place atomically (rename within one filesystem).
  local staged="$tmp/$KEY"
  mkdir -p "$staged"
  mv "$tmp/bin" "$staged/bin"
  mv "$tmp/src" "$staged/src" # wrapper go.mod/go.sum, for reference
  if ! mv -T "$staged" "$FINAL" 2>/dev/null; then
    have_all "$FINAL/bin" || die "could not move $staged to $FINAL"
    log "another run finished first; keeping its $FINAL"
  fi
  rm -rf "$tmp"
  trap - EXIT
  log "built $FINAL/bin"
}

if [[ -n "${KUBEBUILDER_ASSETS:-}" ]]; then
  have_all "$KUBEBUILDER_ASSETS" \
    || die "KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS lacks an executable kube-apiserver, kubectl or etcd"
  KUBE_ASSETS="$(cd "$KUBEBUILDER_ASSETS" && pwd -P)"
  log "using KUBEBUILDER_ASSETS=$KUBE_ASSETS (not building)"
else
  with_lock "$KEY" build_k8s_and_etcd
  KUBE_ASSETS="$FINAL/bin"
fi

# ---------------------------------------------------------------------------
# moto_server + cfn-lint
# ---------------------------------------------------------------------------
VENV="$CACHE/moto-venv"

build_venv() {
  # A venv hard-codes its own path, so it can't be built elsewhere and renamed;
  # it is built in place under the lock and marked complete only after pip
  # succeeded (a half-done venv is simply repaired by the next run).
  local want="moto[server]==$MOTO_VERSION cfn-lint==$CFN_LINT_VERSION"
  if [[ -x "$VENV/bin/moto_server" && -x "$VENV/bin/cfn-lint" \
        && "$(cat "$VENV/.driftwatch-complete" 2>/dev/null)" == "$want" ]]; then
    log "already installed: $VENV"
    return 0
  fi
  command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found"
  if [[ ! -x "$VENV/bin/python" ]]; then
    rm -rf "$VENV"
    log "creating venv $VENV ($("$PYTHON" --version 2>&1))"
    "$PYTHON" -m venv "$VENV"
  fi
  log "pip install moto[server]==$MOTO_VERSION cfn-lint==$CFN_LINT_VERSION"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    "moto[server]==$MOTO_VERSION" "cfn-lint==$CFN_LINT_VERSION" >&2
  [[ -x "$VENV/bin/moto_server" && -x "$VENV/bin/cfn-lint" ]] || die "moto_server/cfn-lint missing after pip install"
  echo "$want" >"$VENV/.driftwatch-complete"
  log "installed moto $("$VENV/bin/python" -c 'import moto; print(moto.__version__)'), $("$VENV/bin/cfn-lint" --version 2>&1)"
}
with_lock moto-venv build_venv

echo "KUBE_ASSETS=$KUBE_ASSETS"
echo "MOTO_SERVER=$VENV/bin/moto_server"
echo "CFN_LINT=$VENV/bin/cfn-lint"
