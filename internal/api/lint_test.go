package api

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// redocly is the command of Redocly CLI, the OpenAPI linter, from $KIOKU_REDOCLY (the npm
// package's node_modules/.bin/redocly; .ci/run installs it). Elsewhere the test is skipped when
// it is not there.
func redocly(t *testing.T) string {
	path := os.Getenv("KIOKU_REDOCLY")
	if path == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI must set KIOKU_REDOCLY to Redocly CLI's redocly command")
		}
		t.Skip("KIOKU_REDOCLY is not set; .ci/run installs Redocly CLI and sets it")
	}
	return path
}

// lintReport is what `redocly lint --format=json` writes.
type lintReport struct {
	Totals struct {
		Errors   int `json:"errors"`
		Warnings int `json:"warnings"`
	} `json:"totals"`
	Problems []struct {
		RuleID   string `json:"ruleId"`
		Severity string `json:"severity"`
		Message  string `json:"message"`
		Location []struct {
			Pointer string `json:"pointer"`
		} `json:"location"`
	} `json:"problems"`
}

// lint runs Redocly's linter with testdata/redocly.yaml on an OpenAPI document.
func lint(t *testing.T, bin string, doc any) lintReport {
	t.Helper()
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "openapi.json")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	config, err := filepath.Abs(filepath.Join("testdata", "redocly.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "lint", "--config", config, "--format", "json", file)
	cmd.Dir = filepath.Dir(file)
	// No telemetry, and no look for a newer version: the linter is pinned by .ci/run.
	cmd.Env = append(os.Environ(), "REDOCLY_TELEMETRY=off", "REDOCLY_SUPPRESS_UPDATE_NOTICE=true", "NO_COLOR=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// It exits with 1 when it finds errors: the report says which.
	runErr := cmd.Run()
	var rep lintReport
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("redocly lint: %v (%v)\n%s\n%s", err, runErr, stdout.Bytes(), stderr.Bytes())
	}
	return rep
}

// TestOpenAPILint checks the OpenAPI document with a linter beyond kin-openapi's validation:
// Redocly's recommended rules (operation ids, summaries, 4xx answers, security, servers, paths
// without trailing slashes, schemas that make sense...). Any error or warning fails.
func TestOpenAPILint(t *testing.T) {
	bin := redocly(t)
	rep := lint(t, bin, Document())
	for _, p := range rep.Problems {
		at := ""
		if len(p.Location) > 0 {
			at = p.Location[0].Pointer
		}
		t.Errorf("%s %s at %s: %s", p.Severity, p.RuleID, at, p.Message)
	}
	if rep.Totals.Errors+rep.Totals.Warnings != len(rep.Problems) {
		t.Errorf("redocly lint counts %d errors and %d warnings for %d problems", rep.Totals.Errors, rep.Totals.Warnings, len(rep.Problems))
	}

	// The linter does find what it is there for: a document with a path ending in a slash
	// and an operation without its 4xx answers fails.
	broken := Document()
	paths := broken["paths"].(map[string]any)
	paths[Prefix+"/broken/"] = map[string]any{"get": map[string]any{"operationId": "broken", "summary": "Broken",
		"responses": map[string]any{"200": map[string]any{"description": "OK"}}}}
	if rep := lint(t, bin, broken); rep.Totals.Errors == 0 && rep.Totals.Warnings == 0 {
		t.Errorf("redocly lint found nothing wrong with a broken document")
	}
}
