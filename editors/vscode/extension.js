// Starts `cjm lsp` for YAML files: journeys (*.journey.yaml) and the workspace's catalogs.
// The server decides what it checks: journeys, files with a top-level `cjm:` key, and the
// catalogs named in cjm.toml; any other YAML gets nothing from it.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const settings = vscode.workspace.getConfiguration("cjm");
  // no `transport`: with TransportKind.stdio the client would add `--stdio` to the arguments,
  // which `cjm lsp` refuses; without it the server is spawned and spoken to over its stdin/stdout
  const serverOptions = {
    command: settings.get("path", "cjm"),
    args: settings.get("args", ["lsp"]),
  };
  const clientOptions = {
    // the server asks VS Code to watch cjm.toml, pyproject.toml and YAML files for it (a catalog
    // created or deleted, a configuration changed), and looks at them again on open and save too
    documentSelector: [{ scheme: "file", language: "yaml" }],
  };
  client = new LanguageClient("cjm", "cjm", serverOptions, clientOptions);
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
