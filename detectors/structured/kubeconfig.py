"""kubeconfig files (`kind: Config`): user tokens, client keys and passwords, per context."""
from __future__ import annotations

from scanner.model import Hit

from ._util import b64decode_any, compose_yaml_all, ctx, declaring, is_placeholder, url_host, yget, ymap, ypos, yseq, ystr

# auth-provider config fields that are bearer credentials
_AUTH_PROVIDER_SECRETS = ("access-token", "id-token", "refresh-token", "client-secret")
# the documents of a multi-document text worth composing
WANTED = declaring("Config")


def scan(text: str) -> list[Hit]:
    hits: list[Hit] = []
    for doc in compose_yaml_all(text, WANTED):
        if ystr(yget(doc, "kind")) != "Config":
            continue
        servers: dict[str, str] = {}
        for c in yseq(yget(doc, "clusters")):
            name = ystr(yget(c, "name"))
            server = ystr(yget(yget(c, "cluster"), "server"))
            if name and server:
                servers[name] = server
        # user name -> [(context name, cluster name, namespace)]
        refs: dict[str, list[tuple[str, str | None, str | None]]] = {}
        for c in yseq(yget(doc, "contexts")):
            name = ystr(yget(c, "name"))
            body = yget(c, "context")
            user = ystr(yget(body, "user"))
            if user:
                refs.setdefault(user, []).append((name or "", ystr(yget(body, "cluster")), ystr(yget(body, "namespace"))))
        for u in yseq(yget(doc, "users")):
            uname = ystr(yget(u, "name"))
            body = yget(u, "user")
            if body is None:
                continue
            ctxs = refs.get(uname or "", [])
            cname, cluster, namespace = ctxs[0] if ctxs else (None, None, None)
            server = servers.get(cluster or "")
            base = dict(section=[cname, cluster, namespace] if (cname or cluster) else [uname], host=url_host(server) if server else None,
                        user=ystr(yget(body, "username")) or uname, cluster=cluster, namespace=namespace,
                        server=server, contexts=[c[0] for c in ctxs if c[0]], kube_user=uname)
            for key, rule in (("token", "kubeconfig-token"), ("password", "kubeconfig-password"),
                              ("client-key-data", "kubeconfig-client-key")):
                node = yget(body, key)
                val = ystr(node)
                if not val or is_placeholder(val):
                    continue
                if rule == "kubeconfig-client-key":
                    raw = b64decode_any(val)
                    if raw is None or b"PRIVATE KEY" not in raw:
                        continue
                    val = "".join(val.split())
                line, col = ypos(node)
                hits.append(Hit(rule, val, line, col, ctx(key=key, **base)))
            ap = yget(yget(body, "auth-provider"), "config")
            for k, v in ymap(ap):
                if k.value in _AUTH_PROVIDER_SECRETS:
                    val = ystr(v)
                    if val and not is_placeholder(val):
                        line, col = ypos(v)
                        hits.append(Hit("kubeconfig-token", val, line, col, ctx(key=k.value, **base)))
    return hits
