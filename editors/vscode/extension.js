// Starts `cjm lsp` for YAML files: journeys (*.journey.yaml) and the workspace's catalogs.
// The server decides what it checks: journeys, files with a top-level `cjm:` key, and the
// catalogs named in cjm.toml; any other YAML gets nothing from it.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const settings = vscode.workspace.getConfiguration("cjm");
  const serverOptions = {
    command: settings.get("path", "cjm"),
    args: settings.get("args", ["lsp"]),
    transport: TransportKind.stdio,
  };
  const clientOptions = {
    // the server rereads cjm.toml and the catalogs itself when they change on disk
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
