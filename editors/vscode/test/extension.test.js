// The extension outside VS Code: its activation builds the language client with the `cjm lsp`
// command from its settings, and that client's own code starts the server, which answers
// initialize and publishes the diagnostics of an opened journey. VS Code itself is replaced by a
// stand-in that answers only what the extension and the client's constructor ask of it.
//
//   CJM_COMMAND=/path/to/.venv/bin/cjm node --test test/
//
// CJM_EXTENSION_DIR runs it on another copy of the extension: the `extension/` folder of the
// unzipped .vsix, with the client library as packaged (tests/lsp/test_vscode.py does that).
"use strict";

const assert = require("node:assert/strict");
const fs = require("node:fs");
const Module = require("node:module");
const os = require("node:os");
const path = require("node:path");
const { test } = require("node:test");

const COMMAND = process.env.CJM_COMMAND || "cjm";
const ROOT = path.resolve(process.env.CJM_EXTENSION_DIR || path.join(__dirname, ".."));
const fromExtension = (name) => require.resolve(name, { paths: [ROOT] });
const JOURNEY = `cjm: 1
id: returns
title: Return an item
stages:
  - id: ask
    name: Ask for a return
    actions:
      - id: read-policy
        name: Reads the return policy
        touchpoints: [help-centre]
        emotion: -1
`;

// a value that is every function, object and class the client's constructor may touch
function standIn() {
  const target = function () {};
  return new Proxy(target, {
    get: (_, key) => (key === "then" || typeof key === "symbol" ? undefined : standIn()),
    apply: () => standIn(),
    construct: () => standIn(),
  });
}

function fakeVscode(settings, folder) {
  const configuration = { get: (key, fallback) => (key in settings ? settings[key] : fallback) };
  const workspace = new Proxy(
    {
      getConfiguration: (section) => {
        assert.equal(section, "cjm");
        return configuration;
      },
      workspaceFolders: [{ uri: { fsPath: folder, scheme: "file" }, name: "maps", index: 0 }],
    },
    { get: (real, key) => (key in real ? real[key] : standIn()) },
  );
  return new Proxy({ workspace, version: "1.82.0" }, { get: (real, key) => (key in real ? real[key] : standIn()) });
}

function loadExtension(vscode) {
  const load = Module._load;
  Module._load = function (request, ...rest) {
    return request === "vscode" ? vscode : load.call(this, request, ...rest);
  };
  try {
    for (const key of Object.keys(require.cache)) {
      if (key.includes("vscode-languageclient") || key.endsWith("extension.js")) delete require.cache[key];
    }
    const extension = require(path.join(ROOT, "extension.js"));
    const { LanguageClient } = require(fromExtension("vscode-languageclient/node"));
    return { extension, LanguageClient };
  } finally {
    Module._load = load;
  }
}

function activate(settings, folder) {
  const { extension, LanguageClient } = loadExtension(fakeVscode(settings, folder));
  const made = [];
  LanguageClient.prototype.start = function () {
    made.push(this);
    return Promise.resolve();
  };
  const context = { subscriptions: [] };
  extension.activate(context);
  assert.equal(made.length, 1, "activate starts one language client");
  return made[0];
}

test("the manifest declares the activation, the command's settings and the packaged entry point", () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
  assert.equal(manifest.main, "./extension.js");
  assert.ok(manifest.activationEvents.includes("workspaceContains:**/*.journey.yaml"));
  assert.ok(manifest.activationEvents.includes("onLanguage:yaml"));
  const properties = manifest.contributes.configuration.properties;
  assert.equal(properties["cjm.path"].default, "cjm");
  assert.deepEqual(properties["cjm.args"].default, ["lsp"]);
});

test("the client runs the configured program with `lsp` and nothing else, for YAML files", () => {
  const client = activate({ path: "/opt/maps/.venv/bin/cjm" }, os.tmpdir());
  assert.deepEqual(client._serverOptions, { command: "/opt/maps/.venv/bin/cjm", args: ["lsp"] });
  assert.deepEqual(client.clientOptions.documentSelector, [{ scheme: "file", language: "yaml" }]);
});

test("the client's own start-up code runs `cjm lsp`, which answers and publishes diagnostics", async () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "cjm-vscode-"));
  const file = path.join(folder, "returns.journey.yaml");
  fs.writeFileSync(file, JOURNEY);
  const client = activate({ path: COMMAND }, folder);
  const { reader, writer } = await client.createMessageTransports("utf8");
  const { createMessageConnection } = require(fromExtension("vscode-jsonrpc/node"));
  const connection = createMessageConnection(reader, writer);
  const published = new Promise((resolve) => {
    connection.onNotification("textDocument/publishDiagnostics", (params) => resolve(params));
  });
  connection.listen();
  try {
    const uri = "file://" + file;
    const answer = await connection.sendRequest("initialize", {
      processId: process.pid,
      rootUri: "file://" + folder,
      capabilities: {},
    });
    assert.equal(answer.serverInfo.name, "cjm");
    assert.ok(answer.capabilities.completionProvider, "the server offers completion");
    await connection.sendNotification("initialized", {});
    await connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "yaml", version: 1, text: JOURNEY },
    });
    const params = await published;
    assert.equal(params.uri, uri);
    const unknown = params.diagnostics.filter((d) => d.code === "CJM021");
    assert.equal(unknown.length, 1, JSON.stringify(params.diagnostics));
    assert.match(unknown[0].message, /unknown touchpoint 'help-centre'/);
    assert.deepEqual(unknown[0].range.start, { line: 9, character: 22 });
    await connection.sendRequest("shutdown");
    await connection.sendNotification("exit");
  } finally {
    connection.dispose();
    const server = client._serverProcess;
    if (server && server.exitCode === null) server.kill();
    fs.rmSync(folder, { recursive: true, force: true });
  }
});
