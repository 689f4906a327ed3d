// npm `ignore` (Roo Code's and Kilo Code's matcher) on an ignore file's text:
// prints one JSON line [path, ignored] per repo-relative path given.
// usage: node npm_ignore.cjs <ignore package dir> <ignore file> <path>...
const ignore = require(process.argv[2]);
const fs = require('fs');
const ig = ignore().add(fs.readFileSync(process.argv[3], 'utf8'));
for (const p of process.argv.slice(4)) console.log(JSON.stringify([p, ig.ignores(p)]));
