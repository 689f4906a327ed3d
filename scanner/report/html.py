"""`credfence audit --format html`: one self-contained page to share before an agent is
let in. Inline CSS only (no script, no external asset: a Content-Security-Policy says so),
every value HTML-escaped, no plaintext secret (redacted forms and redacted matched lines
only, unless --show-secrets). Readable on a phone (one column, tables scroll sideways)
and printable (a print stylesheet)."""
from __future__ import annotations

import datetime as _dt
import html as _html

from scanner.blast import why_line
from scanner.report import audit as A

CSS = """
:root{--crit:#b00020;--high:#d9480f;--med:#b58100;--low:#1c7ed6;--info:#868e96;--ok:#2b8a3e;
--fg:#212529;--muted:#5c636a;--line:#dee2e6;--bg:#fff;--card:#f8f9fa}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:60rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.25rem;margin:2rem 0 .6rem;border-bottom:2px solid var(--line);padding-bottom:.2rem}
h3{font-size:1.05rem;margin:0 0 .4rem}
.meta{color:var(--muted);font-size:.9rem;overflow-wrap:anywhere}
.verdict{display:inline-block;padding:.3rem .7rem;border-radius:.3rem;font-weight:700;color:#fff;margin:.5rem 0}
.verdict.bad{background:var(--crit)}.verdict.good{background:var(--ok)}
.sev{display:inline-block;min-width:4.6rem;text-align:center;padding:.05rem .4rem;border-radius:.25rem;
color:#fff;font-size:.8rem;font-weight:700;text-transform:uppercase}
.sev.critical{background:var(--crit)}.sev.high{background:var(--high)}.sev.medium{background:var(--med)}
.sev.low{background:var(--low)}.sev.info{background:var(--info)}
article.finding{background:var(--card);border:1px solid var(--line);border-left:6px solid var(--crit);border-radius:.4rem;
padding:.8rem 1rem;margin:.8rem 0;break-inside:avoid}
article.finding.high{border-left-color:var(--high)}
dl{display:grid;grid-template-columns:9rem 1fr;gap:.2rem .8rem;margin:.4rem 0}
dt{color:var(--muted)}dd{margin:0;overflow-wrap:anywhere}
ul{margin:.2rem 0;padding-left:1.2rem}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85rem}
pre{background:#fff;border:1px solid var(--line);border-radius:.3rem;padding:.4rem .6rem;margin:.3rem 0;white-space:pre-wrap;overflow-wrap:anywhere}
pre .hit{background:#fff3bf;display:block}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border-bottom:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:var(--card)}
td.num{text-align:right}
.yes{color:var(--ok);font-weight:600}.no{color:var(--crit);font-weight:600}
.note{background:#fff9db;border:1px solid #ffe066;border-radius:.4rem;padding:.6rem .9rem}
ol.next li{margin:.3rem 0}
footer{margin:2rem 0 1rem;color:var(--muted);font-size:.8rem}
@media (max-width:40rem){body{font-size:15px}main{padding:.6rem}dl{grid-template-columns:1fr}dt{font-weight:600;margin-top:.3rem}
table.fold thead{display:none}table.fold tr{display:block;border-bottom:1px solid var(--line);padding:.3rem 0}
table.fold td{display:block;border:0;padding:.05rem .3rem}}
@media print{body{font-size:11pt}main{max-width:none;padding:0}.scroll{overflow:visible}
article.finding,tr{break-inside:avoid}h2{break-after:avoid}a{color:inherit;text-decoration:none}
.verdict,.sev,pre .hit{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"""


def e(value) -> str:
    """Escaped for HTML, after every control, invisible or reordering character and every
    byte a file name held that is not UTF-8 is written as a visible escape (escape_terminal):
    a page shows a repository's path as the terminal does, and is always valid UTF-8."""
    from scanner.redact import escape_terminal

    return _html.escape(escape_terminal(str(value), keep_newlines=True), quote=True)


def ecode(value) -> str:
    """Escaped, then `quoted` spans as <code> (the markup is added after escaping)."""
    import re

    return re.sub(r"`([^`<>]+)`", r"<code>\1</code>", e(value))


def render(report, out) -> None:
    """The page (reporter signature: scanner/report)."""
    from scanner.report.snippet import Snippets

    snippets = Snippets(report.result, report.findings, report.show_secrets)
    try:
        out.write(page(report, snippets))
    finally:
        snippets.close()


def _where(loc) -> str:
    if loc.kind == "history":
        return f"{loc.path or '(unreachable object)'}:{loc.line} in commit {(loc.commit or 'unreachable')[:12]}"
    if loc.kind == "worktree" and loc.status:
        return f"{loc.path}:{loc.line} ({loc.status})"
    return f"{loc.path}:{loc.line}"


def _lines(snippets, loc, context: int) -> str:
    rows = snippets.around(loc, context)
    if not rows:
        return ""
    body = "".join(f'<span class="{"hit" if r.hit else "ctx"}">{r.number:>5} | {e(r.text)}</span>'
                   + ("" if r.hit else "\n") for r in rows)
    return f"<pre>{body}</pre>"


def _hiding(f, agents) -> str:
    from scanner.agents import AGENTS

    if not f.worktree_paths:
        return "Only in git history: no ignore file hides it; any agent with a shell can run <code>git log -p</code>."
    readers = [AGENTS[a] for a in agents if a not in f.hidden_from]
    hidden = [AGENTS[a] for a in agents if a in f.hidden_from]
    parts = []
    if readers:
        parts.append("Readable by " + ", ".join(f"<strong>{e(s.human)}</strong>" for s in readers) + ".")
    if hidden:
        parts.append("Hidden from " + ", ".join(
            f"{e(s.human)} (by <code>{e(s.file or 'a repository setting')}</code>"
            + ("" if s.covers_shell else ", file tools only, not its shell") + ")" for s in hidden) + ".")
    return " ".join(parts)


def _finding(f, report, snippets, n_places: int = 3) -> str:
    b = f.blast
    shown = f.secret if report.show_secrets else f.redacted
    places = []
    for loc in f.locations[:n_places]:
        places.append(f"<li><code>{e(snippets.safe(_where(loc)))}</code>{_lines(snippets, loc, report.context_lines)}</li>")
    more = f"<li>and {len(f.locations) - n_places} more place(s)</li>" if len(f.locations) > n_places else ""
    evidence = "".join(f"<li>{e(x)}</li>" for x in dict.fromkeys(list(b.evidence) + list(f.notes))) or "<li>no evidence names an environment</li>"
    task = {None: "no task given", True: "inside the task", False: "outside the task: the agent has no reason to see it"}[f.task_related]
    return f"""<article class="finding {e(b.severity)}" data-fingerprint="{e(f.fingerprint)}">
<h3><span class="sev {e(b.severity)}">{e(b.severity)}</span> {e(why_line(f))}</h3>
<dl>
<dt>credential</dt><dd>{e(f.rule.name or f.rule.id)} ({e(f.rule.provider)}) <code>{e(shown)}</code></dd>
<dt>blast radius</dt><dd>env={e(b.env)} scope={e(b.scope)} privilege={e(b.privilege)}</dd>
<dt>confidence</dt><dd>{e(f.confidence)}</dd>
<dt>task</dt><dd>{e(task)}</dd>
<dt>agents</dt><dd>{_hiding(f, report.agents or [])}</dd>
<dt>evidence</dt><dd><ul>{evidence}</ul></dd>
<dt>where</dt><dd><ul>{''.join(places)}{more}</ul></dd>
</dl>
</article>"""


def page(report, snippets) -> str:
    from scanner import __version__
    from scanner.agents import AGENTS
    from scanner.report.text import summary_line

    result, findings, agents, configured = report.result, report.findings, report.agents or [], report.configured
    ex = A.exposed(findings, agents)
    on_disk = [f for f in ex if f.worktree_paths]
    history = [f for f in ex if not f.worktree_paths]
    rest = [f for f in findings if f not in ex]
    now = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    verdict = (f'<p class="verdict bad">{len(ex)} critical or high credential(s) an agent can still reach</p>' if ex
               else '<p class="verdict good">No critical or high credential is within an agent\'s reach</p>')
    parts = [f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="referrer" content="no-referrer">
<title>{e(report.title)}: {e(result.root.name)}</title>
<style>{CSS}</style></head>
<body><main>
<header>
<h1>{e(report.title)}</h1>
<p class="meta"><code>{e(result.root)}</code><br>{e(now)} · credfence {e(__version__)}<br>
agents configured here: {e(', '.join(AGENTS[a].human for a in configured) or 'none detected (all checked)')}<br>
{e(summary_line(findings, result.stats))}</p>
{verdict}
</header>"""]
    for w in result.warnings:
        parts.append(f'<p class="note">warning: {e(w)}</p>')
    left = A.kept_out(report)
    if left:
        parts.append(f'<p class="note">{ecode(left)}</p>')
    parts.append(f'<section id="exposed"><h2>On disk and readable: {len(on_disk)}</h2>')
    if on_disk:
        parts += [_finding(f, report, snippets) for f in on_disk]
    else:
        parts.append("<p>Every critical and high credential on disk is hidden from the selected agents' file tools.</p>")
    parts.append("</section>")
    parts.append(f'<section id="history"><h2>Only in history, to rotate: {len(history)}</h2>')
    if history:
        parts.append("<p>Removing a line did not revoke the credential: every clone holds it. Rotate each at its "
                     "provider, then rewrite the history if you must.</p>")
        parts += [_finding(f, report, snippets) for f in history]
    else:
        parts.append("<p>None.</p>")
    parts.append("</section>")

    view = A.agent_view(findings, agents)
    rows = []
    for a in agents:
        s = AGENTS[a]
        vis = view[a]["visible"]
        files = "".join(f"<li><code>{e(p)}</code></li>" for p in vis)
        rows.append(f"<tr><td>{e(s.human)}{' (configured here)' if a in configured else ''}</td>"
                    f"<td><code>{e(s.file or 'a repository setting')}</code></td>"
                    f'<td class="num {"no" if vis else "yes"}">{len(vis)}</td><td class="num">{len(view[a]["hidden"])}</td>'
                    f'<td class="{"yes" if s.covers_shell else "no"}">{"yes" if s.covers_shell else "no"}</td>'
                    f"<td>{'<ul>' + files + '</ul>' if files else '-'}</td></tr>")
    parts.append(f"""<section id="agents"><h2>What each agent's file tools could read today</h2>
<div class="scroll"><table><thead><tr><th>agent</th><th>its file</th><th>credential files visible</th><th>hidden</th>
<th>covers its shell</th><th>visible files</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>
<p class="note">Ignore files stop an agent's file tools, not its shell: an agent that can run <code>cat .env</code> or
<code>git log -p</code> still reads what they hide. {' '.join(ecode(A.SANDBOX_HINTS[a]) + '.' for a in agents if a in A.SANDBOX_HINTS)}</p>
</section>""")

    if rest:
        trs = []
        for f in rest:
            loc = f.locations[0]
            state = "doubtful (history only)" if A.doubtful(f) else A.reach(f, agents)
            line = snippets.matched(loc)
            trs.append(f'<tr data-fingerprint="{e(f.fingerprint)}"><td><span class="sev {e(f.blast.severity)}">'
                       f"{e(f.blast.severity)}</span></td><td>{e(f.rule.name or f.rule.id)}<br><code>"
                       f"{e(f.secret if report.show_secrets else f.redacted)}</code></td>"
                       f"<td><code>{e(_where(loc))}</code>{' (+' + str(len(f.locations) - 1) + ')' if len(f.locations) > 1 else ''}"
                       f"{'<pre>' + e(line) + '</pre>' if line else ''}</td>"
                       f"<td>env={e(f.blast.env)} scope={e(f.blast.scope)} privilege={e(f.blast.privilege)} "
                       f"confidence={e(f.confidence)}</td><td>{e(state)}</td></tr>")
        parts.append(f"""<section id="other"><h2>Other findings: {len(rest)}</h2>
<p>Hidden from the agents, lower in severity, or only in history and doubtful: one line each.</p>
<div class="scroll"><table class="fold"><thead><tr><th>severity</th><th>credential</th><th>where</th><th>labels</th>
<th>state</th></tr></thead><tbody>{''.join(trs)}</tbody></table></div></section>""")

    steps = A.next_steps(findings, agents, str(result.root))
    items = "".join(f"<li>{ecode(s['why'][:1].upper() + s['why'][1:])}"
                    + (f"<br><code>{e(s['command'])}</code>" if s["command"] else "") + "</li>" for s in steps)
    parts.append(f'<section id="next"><h2>Next steps</h2>{"<ol class=next>" + items + "</ol>" if items else "<p>Nothing is open.</p>"}'
                 "</section>")
    parts.append(f"""<footer>Made by credfence {e(__version__)}. Secrets appear only in redacted form
(a public prefix and at most three characters); lines holding a decoded value are not shown.
Severity: critical, high, medium, low, info. Confidence: high, medium, low.</footer>
</main></body></html>
""")
    return "\n".join(parts)
