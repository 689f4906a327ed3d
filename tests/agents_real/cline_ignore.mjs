// Cline's own ClineIgnoreController (src/core/ignore/ClineIgnoreController.ts), taken out of
// the bundle of npm `cline` 2.18.0 (dist/lib.mjs: esbuild, names shortened) and run on a
// workspace: prints one JSON line [path, ignored] per repo-relative path given.
// usage: node cline_ignore.mjs <cline lib.mjs> <npm ignore package dir> <workspace> <path>...
//
// The bundle exports only ClineAgent; the controller is the class holding the fields
// `cwd;ignoreInstance;fileWatcher;clineIgnoreContent;`. Its text is cut out by matching
// braces and evaluated with the bundle's short names bound to what they stand for there
// (npm ignore, path, fs/promises, a file-exists check, a logger), each name read from the
// class's own code, as is the path conversion it calls. Its loadClineIgnore (the .clineignore, its `!include` lines, the file
// itself always ignored) and validateAccess then run unchanged; its file watcher is not started.
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { createRequire } from "node:module";

const [bundlePath, ignoreDir, cwd, ...paths] = process.argv.slice(2);
const bundle = fs.readFileSync(bundlePath, "utf8");
// the text from `from` to the brace that closes the first one after it
const cut = (from) => {
  let depth = 0;
  for (let end = bundle.indexOf("{", from); end < bundle.length; end++) {
    if (bundle[end] === "{") depth++;
    else if (bundle[end] === "}" && --depth === 0) return bundle.slice(from, end + 1);
  }
  throw new Error("unbalanced braces in the bundle");
};
const start = bundle.indexOf("class{cwd;ignoreInstance;fileWatcher;clineIgnoreContent;");
if (start < 0) throw new Error("ClineIgnoreController not found in the bundle");
const source = cut(start);
// validateAccess calls String.prototype.toPosix, which Cline's utils/path defines (its
// backslashes become slashes): taken from the bundle too
const posix = bundle.match(/String\.prototype\.toPosix=function\(\)\{return (\w+)\(this\)\}/);
if (!posix) throw new Error("String.prototype.toPosix not found in the bundle");
const toPosix = new Function(`return ${cut(bundle.indexOf(`function ${posix[1]}(`))}`)();
String.prototype.toPosix = function () { return toPosix(String(this)); };
const name = (re, what) => {
  const m = source.match(re);
  if (!m) throw new Error(`the controller's ${what} not found`);
  return m[1];
};
const bound = {
  [name(/ignoreInstance=\(0,(\w+)\.default\)\(\)/, "ignore import")]: { default: createRequire(import.meta.url)(ignoreDir) },
  [name(/(\w+)\.join\(this\.cwd,"\.clineignore"\)/, "path import")]: path,
  [name(/await (\w+)\.readFile\(/, "fs import")]: fsp,
  [name(/if\(await (\w+)\(\w+\)\)\{let \w+=await/, "file-exists check")]:
    async (p) => fs.promises.access(p).then(() => true, () => false),
  [name(/(\w+)\.error\("Unexpected error loading/, "logger")]: { error: (...a) => console.error(...a), debug() {}, info() {}, warn() {} },
};
const Controller = new Function(...Object.keys(bound), `return ${source}`)(...Object.values(bound));
const controller = new Controller(cwd);
await controller.loadClineIgnore();
for (const p of paths) console.log(JSON.stringify([p, !controller.validateAccess(p)]));
