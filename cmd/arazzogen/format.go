package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"slices"

	"github.com/arazzogen/arazzogen/generator"
)

// Diagnostics formats (-format): text on standard error, one per line (the default); a JSON
// array or a SARIF 2.1.0 log on standard output, for code scanning. Every position's path is
// relative to the working directory.

// relativePaths makes each diagnostic's path relative to the working directory dir (a path
// as given on the command line already is; an absolute one is made so when it can be).
func relativePaths(diags []generator.Diagnostic, dir string) []generator.Diagnostic {
	out := slices.Clone(diags)
	for i, d := range out {
		if filepath.IsAbs(d.Pos.File) {
			if rel, err := filepath.Rel(dir, d.Pos.File); err == nil {
				out[i].Pos.File = rel
			}
		}
		out[i].Pos.File = filepath.ToSlash(out[i].Pos.File)
	}
	return out
}

// jsonDiagnostic is one diagnostic of -format json.
type jsonDiagnostic struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
	Severity string `json:"severity"`
	Code     string `json:"code"`
	Message  string `json:"message"`
	Hint     string `json:"hint,omitempty"`
}

func writeJSON(w io.Writer, diags []generator.Diagnostic) error {
	list := []jsonDiagnostic{}
	for _, d := range diags {
		list = append(list, jsonDiagnostic{File: d.Pos.File, Line: max(d.Pos.Line, 1), Column: max(d.Pos.Col, 1), Severity: d.Severity.String(), Code: d.Code, Message: d.Msg, Hint: d.Hint})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(list)
}

// The part of SARIF 2.1.0 (OASIS standard, errata 01) that arazzogen writes.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool    sarifTool     `json:"tool"`
		Results []sarifResult `json:"results"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version,omitempty"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID               string       `json:"id"`
		ShortDescription sarifMessage `json:"shortDescription"`
	}
	sarifMessage struct {
		Text string `json:"text"`
	}
	sarifResult struct {
		RuleID    string          `json:"ruleId"`
		RuleIndex int             `json:"ruleIndex"`
		Level     string          `json:"level"`
		Message   sarifMessage    `json:"message"`
		Locations []sarifLocation `json:"locations"`
	}
	sarifLocation struct {
		PhysicalLocation sarifPhysical `json:"physicalLocation"`
	}
	sarifPhysical struct {
		ArtifactLocation sarifArtifact `json:"artifactLocation"`
		Region           *sarifRegion  `json:"region,omitempty"`
	}
	sarifArtifact struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId"`
	}
	sarifRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn,omitempty"`
	}
)

// sarifSchema is the location of the SARIF 2.1.0 schema that logs name.
const sarifSchema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

// writeSARIF writes the diagnostics as a SARIF log: one result per diagnostic (its message
// with the hint), one rule per diagnostic code, locations relative to %SRCROOT%, the working
// directory.
func writeSARIF(w io.Writer, diags []generator.Diagnostic, version string) error {
	run := sarifRun{
		Tool:    sarifTool{Driver: sarifDriver{Name: "arazzogen", Version: version, InformationURI: "https://github.com/arazzogen/arazzogen", Rules: []sarifRule{}}},
		Results: []sarifResult{},
	}
	if version == "(devel)" {
		run.Tool.Driver.Version = ""
	}
	rules := map[string]int{}
	for _, d := range diags {
		code := d.Code
		if code == "" {
			code = "arazzogen"
		}
		i, ok := rules[code]
		if !ok {
			i = len(run.Tool.Driver.Rules)
			rules[code] = i
			run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{ID: code, ShortDescription: sarifMessage{Text: code}})
		}
		msg := d.Msg
		if d.Hint != "" {
			msg += "\nhint: " + d.Hint
		}
		loc := sarifPhysical{ArtifactLocation: sarifArtifact{URI: (&url.URL{Path: d.Pos.File}).String(), URIBaseID: "%SRCROOT%"}}
		if d.Pos.Line > 0 {
			loc.Region = &sarifRegion{StartLine: d.Pos.Line, StartColumn: d.Pos.Col}
		}
		level := "warning"
		if d.Severity == generator.Error {
			level = "error"
		}
		run.Results = append(run.Results, sarifResult{RuleID: code, RuleIndex: i, Level: level, Message: sarifMessage{Text: msg}, Locations: []sarifLocation{{PhysicalLocation: loc}}})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(sarifLog{Schema: sarifSchema, Version: "2.1.0", Runs: []sarifRun{run}})
}

// printDiagnostics writes the diagnostics in the format asked for.
func printDiagnostics(format string, diags []generator.Diagnostic, stdout, stderr io.Writer) error {
	switch format {
	case "json":
		return writeJSON(stdout, diags)
	case "sarif":
		return writeSARIF(stdout, diags, buildVersion())
	}
	for _, d := range diags {
		fmt.Fprintln(stderr, d.String())
	}
	return nil
}
