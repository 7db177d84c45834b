// Command spire-plugin-data prints, for each plugin declared in a server.conf, the text that Go
// SPIRE Server sends to the plugin as ConfigureRequest.hcl_configuration. It decodes the file the
// way SPIRE does (hcl v1 Decode into an ast.Node, the plugins node into maps of plugin configs)
// and prints plugin_data with hcl v1's printer in its default configuration.
//
// Usage: GO111MODULE=off GOPATH=/usr/share/gocode go run main.go server.conf
// Output: a JSON object keyed "Type/name" with {"data": "..."} or {"file": "path"}.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"

	"github.com/hashicorp/hcl"
	"github.com/hashicorp/hcl/hcl/ast"
	"github.com/hashicorp/hcl/hcl/printer"
)

type pluginBody struct {
	PluginData     ast.Node `hcl:"plugin_data"`
	PluginDataFile *string  `hcl:"plugin_data_file"`
}

type result struct {
	Data *string `json:"data,omitempty"`
	File *string `json:"file,omitempty"`
}

func main() {
	src, err := os.ReadFile(os.Args[1])
	if err != nil {
		fail(err)
	}
	var root struct {
		Plugins ast.Node `hcl:"plugins"`
	}
	if err := hcl.Decode(&root, string(src)); err != nil {
		fail(err)
	}
	var maps []map[string]map[string]pluginBody
	if err := hcl.DecodeObject(&maps, root.Plugins); err != nil {
		fail(err)
	}
	out := map[string]result{}
	for _, m := range maps {
		for typ, byName := range m {
			for name, body := range byName {
				var r result
				if body.PluginData != nil {
					var buf bytes.Buffer
					if err := printer.DefaultConfig.Fprint(&buf, body.PluginData); err != nil {
						fail(err)
					}
					s := buf.String()
					r.Data = &s
				}
				r.File = body.PluginDataFile
				out[typ+"/"+name] = r
			}
		}
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
