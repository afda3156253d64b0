// The VS Code side of aeo: start `aeo lsp` on stdio for .aeo files.  The
// server does the work (lang/cli/lsp.c); this only tells VS Code how to run it.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("aeo").get("path") || "aeo";
  const server = { command, args: ["lsp"] };
  client = new LanguageClient("aeo", "aeo", { run: server, debug: server },
    { documentSelector: [{ scheme: "file", language: "aeo" }] });
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
