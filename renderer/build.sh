#!/usr/bin/env bash
# Build (or reuse) dwrender, driftwatch's renderer (renderer/main.go: the stock helm v4 and kustomize v5 command
# lines in one static binary), from the Go modules renderer/go.mod pins. Never downloads a binary.
#
# Usage:
#   bash renderer/build.sh                       # host build; also links renderer/bin/dwrender to it
#   bash renderer/build.sh --target linux/arm64  # cross build (CGO_ENABLED=0), e.g. for Lambda
#   bash renderer/build.sh --layer               # linux/arm64 build + the Lambda layer zip
#
# Cached OUTSIDE the repo (same style as test/world/build-binaries.sh):
#   ${DRIFTWATCH_CACHE:-$HOME/.cache/driftwatch}/renderer/<key>/<goos>-<goarch>/dwrender
# <key> hashes renderer/go.mod, go.sum, *.go and the build recipe below, so any change rebuilds; an unchanged tree
# reuses the binary at once. Go's own module/build caches stay at their defaults, also outside the repo.
#
# Progress goes to stderr; stdout gets exactly:
#   DWRENDER=<absolute path of the binary built for the target>
#   DWRENDER_LAYER=<absolute path of the layer zip>      (with --layer only)
#
# The layer zip (.build/renderer-layer.zip in the repo, gitignored) holds, as Lambda mounts it under /opt:
#   bin/dwrender (aarch64 ELF, mode 0755), licenses/{helm,kustomize,kustomize-api}/LICENSE (+ NOTICE where the
#   module has one: helm v4.3.2 and kustomize v5.8.2 have none, which licenses/README.md says).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO="$(cd "$HERE/.." && pwd -P)"
CACHE="${DRIFTWATCH_CACHE:-$HOME/.cache/driftwatch}"
LAYER_ZIP="$REPO/.build/renderer-layer.zip"
PYTHON="${DRIFTWATCH_PYTHON:-python3}"
# Bump when the build flags below change: part of the cache key.
RECIPE="dwrender-recipe-1 -trimpath CGO_ENABLED=0 -ldflags=-s,-w,versions"

log() { printf '[build-renderer %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

target="" layer=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --target) [[ $# -ge 2 ]] || die "--target needs GOOS/GOARCH"; target="$2"; shift 2 ;;
    --target=*) target="${1#--target=}"; shift ;;
    --layer) layer=1; shift ;;
    -h|--help) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done
if [[ -n "$layer" ]]; then
  [[ -z "$target" || "$target" == linux/arm64 ]] || die "--layer builds linux/arm64 (Lambda arm64); drop --target $target"
  target=linux/arm64
fi

command -v go >/dev/null 2>&1 || die "go is not installed (renderer/go.mod names the Go version)"
# GOTOOLCHAIN=local: use the installed Go, never fetch one; GOWORK=off: this module alone; -mod=readonly: go.sum
# is the truth (a missing sum fails instead of editing the repo); no VCS stamping (the cache key says it all).
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}" GOWORK=off CGO_ENABLED=0
export GOFLAGS="-mod=readonly -buildvcs=false"
export GOPROXY="${GOPROXY:-https://proxy.golang.org,direct}"

host_os="$(go env GOHOSTOS)" host_arch="$(go env GOHOSTARCH)"
if [[ -z "$target" ]]; then
  goos="$host_os" goarch="$host_arch"
else
  [[ "$target" =~ ^[a-z0-9]+/[a-z0-9]+$ ]] || die "--target wants GOOS/GOARCH, e.g. linux/arm64 (got $target)"
  goos="${target%/*}" goarch="${target#*/}"
fi

mkdir -p "$CACHE"
CACHE="$(cd "$CACHE" && pwd -P)"

# The key: every input that changes the binary. Sorted file list, so the order of `ls` does not matter.
key="$(
  cd "$HERE"
  { printf '%s\n' "$RECIPE"; for f in go.mod go.sum $(LC_ALL=C ls -- *.go); do printf '== %s\n' "$f"; cat -- "$f"; done; } \
    | sha256sum | cut -c1-16
)"
OUT_DIR="$CACHE/renderer/$key/$goos-$goarch"
BIN="$OUT_DIR/dwrender"

# Serialise concurrent runs on one lock per artefact; the loser of the race waits, then finds the finished
# artefact. Builds go to a temp file and are renamed into place, so a killed run never leaves half a binary.
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

module_version() { (cd "$HERE" && go list -m -f '{{.Version}}' "$1"); }
module_dir() { (cd "$HERE" && go list -m -f '{{.Dir}}' "$1"); }

build_binary() {
  if [[ -f "$BIN" && -x "$BIN" ]]; then
    log "already built: $BIN"
    return 0
  fi
  log "building dwrender $key for $goos/$goarch with $(go version)"
  local started=$SECONDS
  log "downloading the modules go.sum pins (go mod download; cold: a few hundred MB, then cached)"
  (cd "$HERE" && go mod download >&2)

  local helm_version kustomize_version module_time
  helm_version="$(module_version helm.sh/helm/v4)"
  kustomize_version="$(module_version sigs.k8s.io/kustomize/kustomize/v5)"
  # kustomize prints its build date; the module's publication time keeps the binary reproducible.
  module_time="$(cd "$HERE" && go list -m -f '{{with .Time}}{{.UTC.Format "2006-01-02T15:04:05Z"}}{{end}}' sigs.k8s.io/kustomize/kustomize/v5)"
  # - helm: a module build reports the in-source "v4.3" unless internal/version.version is set (helm's Makefile
  #   sets it the same way: -X helm.sh/helm/v4/internal/version.version=$(BINARY_VERSION)).
  # - kustomize: provenance.version/buildDate, as kustomize's release builds set them
  #   (sigs.k8s.io/kustomize/api/provenance/provenance.go: "set at build time using ldflags").
  # - main.buildKey: dwrender's own build identity, printed by `dwrender versions`.
  local ld="-s -w"
  ld+=" -X helm.sh/helm/v4/internal/version.version=$helm_version"
  ld+=" -X sigs.k8s.io/kustomize/api/provenance.version=$kustomize_version"
  [[ -n "$module_time" ]] && ld+=" -X sigs.k8s.io/kustomize/api/provenance.buildDate=$module_time"
  ld+=" -X main.buildKey=$key"

  mkdir -p "$OUT_DIR"
  local tmp
  # Holding the lock, any leftover temp file is from a killed run.
  [[ -n "${DW_LOCKED:-}" ]] && rm -f "$OUT_DIR"/.tmp-dwrender.*
  tmp="$(mktemp "$OUT_DIR/.tmp-dwrender.XXXXXX")"
  # shellcheck disable=SC2064
  trap "rm -f '$tmp'" EXIT
  log "compiling (cold Go build cache: several minutes on 2 cores; seconds when warm)"
  (cd "$HERE" && GOOS="$goos" GOARCH="$goarch" go build -trimpath -ldflags "$ld" -o "$tmp" . >&2)
  chmod 0755 "$tmp"
  if [[ "$goos/$goarch" == "$host_os/$host_arch" ]]; then
    log "built: $("$tmp" versions)"
  fi
  mv -f "$tmp" "$BIN"
  trap - EXIT
  log "built $BIN ($(du -h "$BIN" | cut -f1)) in $((SECONDS - started)) s"
}

with_lock "renderer-$key-$goos-$goarch" build_binary

# The CLI looks for the host renderer at renderer/bin/dwrender (a gitignored symlink into the cache).
if [[ "$goos/$goarch" == "$host_os/$host_arch" ]]; then
  mkdir -p "$HERE/bin"
  ln -sfn "$BIN" "$HERE/bin/.dwrender.tmp"
  mv -Tf "$HERE/bin/.dwrender.tmp" "$HERE/bin/dwrender"
fi

build_layer() {
  command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found (it writes the layer zip)"
  # The zip is remade only when the binary (its key) changed; the stamp is written after the rename.
  local stamp="$LAYER_ZIP.key"
  if [[ -f "$LAYER_ZIP" && "$(cat "$stamp" 2>/dev/null)" == "$key" ]]; then
    log "layer up to date: $LAYER_ZIP"
    return 0
  fi
  local helm_dir kustomize_dir api_dir
  helm_dir="$(module_dir helm.sh/helm/v4)"
  kustomize_dir="$(module_dir sigs.k8s.io/kustomize/kustomize/v5)"
  api_dir="$(module_dir sigs.k8s.io/kustomize/api)"
  for d in "$helm_dir" "$kustomize_dir" "$api_dir"; do
    [[ -f "$d/LICENSE" ]] || die "no LICENSE in $d (go mod download)"
  done
  log "writing $LAYER_ZIP"
  rm -f "$stamp"
  "$PYTHON" - "$BIN" "$LAYER_ZIP" "$helm_dir" "$kustomize_dir" "$api_dir" \
    "$(module_version helm.sh/helm/v4)" "$(module_version sigs.k8s.io/kustomize/kustomize/v5)" \
    "$(module_version sigs.k8s.io/kustomize/api)" <<'PY'
# Lambda extracts layers to /opt, keeping the Unix mode stored in each entry's external attributes (high 16
# bits), so bin/dwrender must carry 0755 there. Fixed timestamps and order: the same inputs give the same zip.
import os, sys, zipfile
binary, out, helm_dir, kustomize_dir, api_dir, helm_v, kustomize_v, api_v = sys.argv[1:9]
stamp = (2020, 1, 1, 0, 0, 0)

def add(zf, name, data, mode):
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.external_attr = (0o100000 | mode) << 16  # S_IFREG | mode
    info.create_system = 3  # Unix, so unzip/Lambda read the mode bits
    info.compress_type = zipfile.ZIP_DEFLATED
    zf.writestr(info, data, compresslevel=9)

notes = []
tmp = out + ".tmp"
with zipfile.ZipFile(tmp, "w") as zf:
    with open(binary, "rb") as f:
        add(zf, "bin/dwrender", f.read(), 0o755)
    modules = (
        ("helm", "helm.sh/helm/v4", helm_dir, helm_v),
        ("kustomize", "sigs.k8s.io/kustomize/kustomize/v5", kustomize_dir, kustomize_v),
        ("kustomize-api", "sigs.k8s.io/kustomize/api", api_dir, api_v),
    )
    for tool, module, folder, version in modules:
        for text in ("LICENSE", "NOTICE"):
            path = os.path.join(folder, text)
            if os.path.isfile(path):
                with open(path, "rb") as f:
                    add(zf, f"licenses/{tool}/{text}", f.read(), 0o644)
            else:
                notes.append(f"- {module} {version} has no {text} file; none is shipped for it.")
    readme = f"""# Licenses of the software in this layer

bin/dwrender is driftwatch's renderer (Apache-2.0). It links, unmodified:

- Helm {helm_v} (helm.sh/helm/v4, Apache License 2.0): licenses/helm/
- kustomize {kustomize_v} (sigs.k8s.io/kustomize/kustomize/v5, Apache License 2.0): licenses/kustomize/
- kustomize API {api_v} (sigs.k8s.io/kustomize/api, Apache License 2.0): licenses/kustomize-api/

The texts are copied from the Go modules the binary was built from.
""" + ("\nNOTICE files:\n" + "\n".join(notes) + "\n" if notes else "")
    add(zf, "licenses/README.md", readme.encode(), 0o644)
os.replace(tmp, out)
PY
  echo "$key" >"$stamp"
  log "layer: $LAYER_ZIP ($(du -h "$LAYER_ZIP" | cut -f1))"
}

if [[ -n "$layer" ]]; then
  # The repo's .build/ is per checkout; serialise only this checkout's writers.
  mkdir -p "$(dirname "$LAYER_ZIP")"
  (
    exec 8>"$(dirname "$LAYER_ZIP")/.renderer-layer.lock"
    if command -v flock >/dev/null 2>&1; then flock 8; fi
    build_layer
  )
fi

echo "DWRENDER=$BIN"
[[ -n "$layer" ]] && echo "DWRENDER_LAYER=$LAYER_ZIP"
exit 0
