"""Group hits into findings: one per distinct credential (rule + secret), with every place
it was seen in the workspace, the index or the history."""
from __future__ import annotations

from scanner.model import Finding, Hit, Location, REFS_LISTED, ref_order, Rule


class FindingSet:
    def __init__(self, rules_by_id: dict[str, Rule]):
        self.rules = rules_by_id
        self._by_key: dict[tuple[str, str], Finding] = {}
        # id(finding) -> the (kind, path, line, commit) of its locations, for _append: a
        # fixture's password in thousands of versions was a walk along every location per add
        self._places: dict[int, set[tuple]] = {}
        # secret -> the places a public-by-design rule recognised it (findings())
        self._public: dict[str, list[tuple[Location, dict]]] = {}

    def _finding(self, hit: Hit, loc: Location) -> Finding | None:
        rule = self.rules.get(hit.rule_id)
        if rule is None:
            return None
        if rule.public:  # public-by-design values are not credentials, unless reported elsewhere
            self._public.setdefault(hit.secret, []).append((loc, hit.context))
            return None
        key = (rule.id, hit.secret)
        f = self._by_key.get(key)
        if f is None:
            f = self._by_key[key] = Finding(rule=rule, secret=hit.secret)
        return f

    def add(self, hit: Hit, loc: Location) -> None:
        f = self._finding(hit, loc)
        if f is not None:
            self._append(f, loc, hit.context)

    def add_location(self, rule: Rule, secret: str, loc: Location, context: dict) -> None:
        """A location found elsewhere (a nested repository's own scan)."""
        f = self._finding(Hit(rule.id, secret, loc.line, loc.column, context), loc)
        if f is not None:
            self._append(f, loc, context)

    def _append(self, f: Finding, loc: Location, context: dict) -> None:
        places = self._places.get(id(f))
        if places is None or len(places) != len(f.locations):  # new, or its list changed elsewhere
            places = self._places[id(f)] = {(o.kind, o.path, o.line, o.commit) for o in f.locations}
        place = (loc.kind, loc.path, loc.line, loc.commit)
        if place in places:
            return
        places.add(place)
        f.locations.append(loc)
        f.contexts.append(context)

    def add_alias(self, link: str, target: str) -> None:
        """A symlink inside the root shows its target's content under another name: an
        agent reading the link reads the secret, so the link is a location too."""
        for f in self._by_key.values():
            for loc, ctx in list(zip(f.locations, f.contexts)):
                if loc.kind == "worktree" and loc.path == target:
                    f.locations.append(Location("worktree", link, loc.line, loc.column, status=loc.status))
                    f.contexts.append(ctx)
                    break

    def findings(self) -> list[Finding]:
        out = list(self._by_key.values())
        # a secret that a provider rule recognised is not also a generic finding (the order
        # of scanner/engine.py's dedupe, across files: a provider rule first); the places only
        # the generic reading saw it (`export X=...` in one file, the provider's own format in
        # another) are places of the provider's finding, not lost
        # a secret two provider rules recognised goes to the one listed first in the rules,
        # not to the one whose hit arrived first: the history's workers finish in any order
        # (boulder's Postgres password went to sql-user-password in one run, postgres-url in
        # the next, and the report's severity with it)
        listed = {rid: i for i, rid in enumerate(self.rules)}
        specific: dict[str, Finding] = {}
        for f in sorted(out, key=lambda f: listed.get(f.rule.id, len(listed))):
            if not f.rule.generic:
                specific.setdefault(f.secret, f)
        for f in out:
            target = specific.get(f.secret) if f.rule.generic else None
            if target is not None:
                for loc, ctx in zip(f.locations, f.contexts):
                    self._append(target, loc, ctx)
        # a value a public-by-design rule recognised somewhere (a DocSearch configuration's
        # search key) and a provider's rule reports elsewhere is that credential wherever it
        # is: botpress used its Algolia admin key in `jekyll algolia push` and in its docs'
        # docsearch() call, a place of the admin key's finding. Read only by generic guesses
        # elsewhere, it is the public value the provider's rule says it is.
        for secret, places in self._public.items():
            target = specific.get(secret)
            if target is not None:
                for loc, ctx in places:
                    self._append(target, loc, ctx)
        out = [f for f in out if not f.rule.generic or (f.secret not in specific and f.secret not in self._public)]
        order = {"worktree": 0, "staged": 1, "history": 2}
        for f in out:
            pairs = _first_introductions(list(zip(f.locations, f.contexts)))
            pairs.sort(key=lambda p: (order.get(p[0].kind, 3), p[0].path, p[0].line, p[0].date or ""))
            f.locations = [p[0] for p in pairs]
            f.contexts = [p[1] for p in pairs]
        return out


def _first_introductions(pairs: list[tuple[Location, dict]]) -> list[tuple[Location, dict]]:
    """Every later edit of a file that still holds the secret makes a new blob, and so a
    new history location; keep, per path, the commit that first brought the secret in,
    with the refs that reach any of them and the latest removal date. (The refs are
    sorted once per path: sorting them at each of a path's versions was most of this.)"""
    # path -> [first location, its context, the refs of all (None while it is the only one),
    # their largest count, the latest removal]
    keep: dict[str, list] = {}
    rest = []
    for loc, ctx in pairs:
        if loc.kind != "history" or not loc.commit:
            rest.append((loc, ctx))
            continue
        cur = keep.get(loc.path)
        if cur is None:
            keep[loc.path] = [loc, ctx, None, 0, ctx.get("removed_at")]
            continue
        if cur[2] is None:  # a second version: the refs of all of them are gathered from now on
            cur[2], cur[3] = set(cur[0].refs or []), cur[0].refs_count or 0
        # the earlier date; on a tie (a rebase keeps author dates) the lower commit id, so
        # that the order the blobs were scanned in does not decide
        if (loc.date or "", loc.commit) < (cur[0].date or "", cur[0].commit):
            cur[0], cur[1] = loc, ctx
        cur[2].update(loc.refs or [])
        cur[3] = max(cur[3], loc.refs_count or 0)
        cur[4] = max(filter(None, (cur[4], ctx.get("removed_at"))), default=None)
    out = []
    for first, ctx, refs, count, removed in keep.values():
        if refs is not None:
            first.refs = sorted(refs, key=ref_order)[:REFS_LISTED]
            first.refs_count = max(len(first.refs), count)
        ctx = dict(ctx)
        if removed:
            ctx["removed_at"] = removed
        out.append((first, ctx))
    return rest + out
