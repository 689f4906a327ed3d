// Gemini CLI's own hook runner (@google/gemini-cli-core HookRunner + createHookOutput) on the
// BeforeTool hooks in <root>/.gemini/settings.json, for one tool call. Prints one JSON line:
// {"ran": n, "blocking": bool, "reason": str}. The Config object is reduced to what
// HookRunner reads (folder trusted, default environment sanitization, a plans directory).
// usage: node gemini_hook.mjs <gemini-cli-core dir> <root> <tool_name> <tool_input JSON>
import * as path from 'node:path';
import * as fs from 'node:fs';
const [core, root, toolName, toolInput] = process.argv.slice(2);
const { HookRunner } = await import(path.join(core, 'dist/src/hooks/hookRunner.js'));
const { createHookOutput } = await import(path.join(core, 'dist/src/hooks/types.js'));
const settings = JSON.parse(fs.readFileSync(path.join(root, '.gemini/settings.json'), 'utf8'));
const config = { isTrustedFolder: () => true, sanitizationConfig: { enableEnvironmentVariableRedaction: false },
                 storage: { getPlansDir: () => root } };
const runner = new HookRunner(config);
const input = { session_id: 's', transcript_path: '', cwd: root, hook_event_name: 'BeforeTool',
                timestamp: new Date().toISOString(), tool_name: toolName, tool_input: JSON.parse(toolInput) };
let ran = 0, blocking = false, reason = '';
for (const def of settings.hooks?.BeforeTool ?? []) {
  for (const h of def.hooks ?? []) {
    const r = await runner.executeHook({ ...h, source: 'project' }, 'BeforeTool', input);
    ran++;
    if (r.output) {
      const out = createHookOutput('BeforeTool', r.output);
      if (out.isBlockingDecision()) { blocking = true; reason = out.getEffectiveReason(); }
    }
  }
}
console.log(JSON.stringify({ ran, blocking, reason }));
