// The TextMate grammar (lang/cli/editor/vscode/syntaxes/aeo.tmLanguage.json)
// under VS Code's own engine (vscode-textmate with vscode-oniguruma, from
// build/textmate; see the Makefile): tests/golden/lsp/lsp_textmate.cmd.
//
//   node tests/lsp/textmate.js SAMPLE DIR...
//
// Prints SAMPLE line by line as its tokens, `scope[text]` (the innermost
// scope; plain source.aeo text left out), then checks every .aeo under each
// DIR: every line tokenizes, and no string or comment is still open at the
// end of a file (the rule stack is back at its root).  A file that fails is
// named with its line; the last line says how many files were checked only
// as "every file" so that adding a catalog does not change the output.
const fs = require("fs");
const path = require("path");
const lib = path.resolve("build/textmate");
const vsctm = require(path.join(lib, "vscode-textmate"));
const onig = require(path.join(lib, "vscode-oniguruma"));

const grammarPath = "lang/cli/editor/vscode/syntaxes/aeo.tmLanguage.json";

async function main() {
  const wasm = fs.readFileSync(path.join(lib, "vscode-oniguruma/release/onig.wasm")).buffer;
  await onig.loadWASM(wasm);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (p) => new onig.OnigScanner(p),
      createOnigString: (s) => new onig.OnigString(s),
    }),
    loadGrammar: async (scope) =>
      scope === "source.aeo" ? vsctm.parseRawGrammar(fs.readFileSync(grammarPath, "utf8"), grammarPath) : null,
  });
  const grammar = await registry.loadGrammar("source.aeo");

  const tokenize = (text, each) => {
    let stack = vsctm.INITIAL;
    text.replace(/\n$/, "").split("\n").forEach((line, i) => {
      const r = grammar.tokenizeLine(line, stack);
      stack = r.ruleStack;
      if (each) each(line, i, r.tokens);
    });
    return stack;
  };

  const [sample, ...dirs] = process.argv.slice(2);
  tokenize(fs.readFileSync(sample, "utf8"), (line, i, tokens) => {
    const runs = tokens
      .filter((t) => t.scopes.length > 1 && line.slice(t.startIndex, t.endIndex).trim() !== "")
      .map((t) => `${t.scopes[t.scopes.length - 1]}[${line.slice(t.startIndex, t.endIndex)}]`);
    console.log(`${i + 1}: ${runs.join(" ")}`);
  });

  const files = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".aeo")) files.push(p);
    }
  };
  dirs.forEach(walk);
  let bad = 0;
  for (const f of files) {
    try {
      const end = tokenize(fs.readFileSync(f, "utf8"));
      if (end.depth !== 1) {
        console.log(`${f}: a string or comment is still open at the end of the file`);
        bad++;
      }
    } catch (e) {
      console.log(`${f}: ${e.message}`);
      bad++;
    }
  }
  console.log(bad ? `${bad} of ${files.length} files failed` : `every .aeo file of ${dirs.join(" ")} tokenized`);
  process.exit(bad ? 1 : 0);
}

main().catch((e) => {
  console.log("error: " + e.message);
  process.exit(2);
});
