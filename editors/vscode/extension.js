// Starts `yarc lsp` for YAML files; the server itself leaves alone what is not a collection.
// The "run this request" lens calls `yarc.runRequest`, a command the server declares and the
// language client forwards to it.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration("yarc");
  const server = { command: config.get("path") || "yarc", args: ["lsp"] };
  client = new LanguageClient(
    "yarc",
    "yarc",
    { run: server, debug: server },
    {
      documentSelector: [{ scheme: "file", language: "yaml" }],
      initializationOptions: { environment: config.get("environment") },
      synchronize: { configurationSection: "yarc" },
    }
  );
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
