// Command dwrender is driftwatch's renderer: one static binary holding the stock
// helm (v4 SDK) and kustomize (v5) command lines, so driftwatch renders Helm
// charts and Kustomize overlays byte for byte as the real tools do (as Argo CD
// and Flux do), in the CLI and in Lambda (/opt/bin/dwrender), with nothing
// downloaded at run time.
//
// Multi-call rules (the TypeScript side relies on them exactly):
//
//	dwrender kustomize ARGS…   the stock `kustomize ARGS…`
//	dwrender helm ARGS…        the stock `helm ARGS…`
//	dwrender versions          one JSON line: dwrender, helm, kustomize, kustomizeApi, go
//	kustomize ARGS…            (invoked under the basename "kustomize") kustomize
//	dwrender ARGS…             (any other first argument, any other name) helm
//
// The last rule lets kustomize's helmCharts generator use this very binary:
// `dwrender kustomize build DIR --enable-helm --helm-command /path/dwrender`
// makes kustomize exec `/path/dwrender version --short` and
// `/path/dwrender template REL CHART …` (sigs.k8s.io/kustomize/api
// internal/builtins/HelmChartInflationGenerator.go, checkHelmVersion and
// types/helmchartargs.go AsHelmArgs), which land in helm.
//
// kustomize v5.8.2's checkHelmVersion accepts a major version of "3" or "4"
// (older releases demanded "v3"), and helm v4's `version --short` prints
// "v4.3.2", so the probe needs no special answer here.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"

	// As in helm's own cmd/helm/helm.go: client auth plugins, so `dwrender helm`
	// is the stock helm command line for cluster commands too.
	_ "k8s.io/client-go/plugin/pkg/client/auth"

	helmcmd "helm.sh/helm/v4/pkg/cmd"
	"helm.sh/helm/v4/pkg/kube"
	kustomizecmd "sigs.k8s.io/kustomize/kustomize/v5/commands"
)

// release is dwrender's own version; buildKey (set by renderer/build.sh with
// -ldflags -X main.buildKey=…) is the hash of the sources it was built from.
const release = "0.1.0"

var buildKey = ""

const (
	helmModule         = "helm.sh/helm/v4"
	kustomizeModule    = "sigs.k8s.io/kustomize/kustomize/v5"
	kustomizeAPIModule = "sigs.k8s.io/kustomize/api"
)

func main() {
	args := os.Args[1:]
	if filepath.Base(os.Args[0]) == "kustomize" {
		os.Exit(runKustomize(args))
	}
	if len(args) > 0 {
		switch args[0] {
		case "kustomize":
			os.Exit(runKustomize(args[1:]))
		case "helm":
			os.Exit(runHelm(args[1:]))
		case "versions":
			os.Exit(printVersions())
		}
	}
	os.Exit(runHelm(args))
}

// runKustomize follows sigs.k8s.io/kustomize/kustomize/v5 main.go: the default
// command, exit 1 on any error (cobra has printed "Error: …" on stderr).
func runKustomize(args []string) int {
	cmd := kustomizecmd.NewDefaultCommand()
	// cobra would take os.Args[1:], which still holds our "kustomize" word.
	cmd.SetArgs(args)
	if err := cmd.Execute(); err != nil {
		return 1
	}
	return 0
}

// runHelm follows helm.sh/helm/v4 cmd/helm/helm.go: errors go to stderr as
// "Error: …", the exit code is the CommandError's, else 1.
func runHelm(args []string) int {
	// Same name as stock helm for server-side apply managedFields, whatever
	// this binary is called (helm.go sets it for the same reason).
	kube.ManagedFieldsManager = "helm"

	cmd, err := helmcmd.NewRootCmd(os.Stdout, args, helmcmd.SetupLogging)
	if err != nil {
		slog.Warn("command failed", slog.Any("error", err))
		return 1
	}
	// NewRootCmd reads args only for its early flag parse; cobra's Execute
	// would take os.Args[1:] (with our "helm" word) unless told otherwise.
	cmd.SetArgs(args)
	if err := cmd.Execute(); err != nil {
		if cerr, ok := errors.AsType[helmcmd.CommandError](err); ok {
			return cerr.ExitCode
		}
		return 1
	}
	return 0
}

// printVersions prints the linked module versions from the binary's build
// info (what was really compiled in, not what a flag claims).
func printVersions() int {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		fmt.Fprintln(os.Stderr, "Error: dwrender was built without module build info")
		return 1
	}
	deps := map[string]string{}
	for _, dep := range info.Deps {
		version := dep.Version
		for r := dep.Replace; r != nil; r = r.Replace {
			version = r.Version
		}
		deps[dep.Path] = version
	}
	dwrender := release
	if buildKey != "" {
		dwrender += "+" + buildKey
	}
	// A struct, not a map, keeps the key order of the contract.
	out, err := json.Marshal(struct {
		Dwrender     string `json:"dwrender"`
		Helm         string `json:"helm"`
		Kustomize    string `json:"kustomize"`
		KustomizeAPI string `json:"kustomizeApi"`
		Go           string `json:"go"`
	}{dwrender, deps[helmModule], deps[kustomizeModule], deps[kustomizeAPIModule], runtime.Version()})
	if err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		return 1
	}
	fmt.Println(strings.TrimSpace(string(out)))
	return 0
}
