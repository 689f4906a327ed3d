// Gemini CLI's own FileDiscoveryService (@google/gemini-cli-core) on a repository:
// prints one JSON line [path, ignored] per repo-relative path given.
// usage: node gemini_discovery.mjs <gemini-cli-core dir> <root> <path>...
import * as path from 'node:path';
const [core, root, ...paths] = process.argv.slice(2);
const m = await import(path.join(core, 'dist/src/services/fileDiscoveryService.js'));
const svc = new m.FileDiscoveryService(root);
for (const p of paths) console.log(JSON.stringify([p, svc.shouldIgnoreFile(path.join(root, p))]));
