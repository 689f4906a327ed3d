"""A loopback stand-in for the OpenAI Responses API that scripts Codex's tool calls.

Serves ``POST /v1/responses`` (server-sent events) on 127.0.0.1 only. Each request that offers
the scripted tool gets the next scripted ``function_call`` (one per turn) and records every
``function_call_output`` it carries; when the script is done it answers with a message.
Nothing leaves the machine.
"""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class ResponsesStandIn:
    def __init__(self, script: list[tuple[str, dict]]):
        self.script = list(script)
        self.results: list[tuple[str, dict, str]] = []
        self.requests = 0
        self._issued: dict[str, tuple[str, dict]] = {}
        self._step = 0
        self._lock = threading.Lock()
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                self.send_response(404)
                self.send_header("content-length", "0")
                self.end_headers()

            def do_POST(self):
                n = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(n) or b"{}")
                standin.requests += 1
                if not self.path.rstrip("/").endswith("/responses"):
                    self.send_response(404)
                    self.send_header("content-length", "0")
                    self.end_headers()
                    return
                items = standin.answer(body)
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.end_headers()
                rid = f"resp_{standin.requests}"

                def ev(data):
                    self.wfile.write(f"event: {data['type']}\ndata: {json.dumps(data)}\n\n".encode())

                ev({"type": "response.created", "response": {"id": rid}})
                for i, item in enumerate(items):
                    ev({"type": "response.output_item.added", "output_index": i, "item": item})
                    ev({"type": "response.output_item.done", "output_index": i, "item": item})
                ev({"type": "response.completed", "response": {
                    "id": rid, "usage": {"input_tokens": 10, "input_tokens_details": {"cached_tokens": 0},
                                         "output_tokens": 10, "output_tokens_details": {"reasoning_tokens": 0},
                                         "total_tokens": 20}}})
                self.wfile.flush()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def answer(self, body: dict) -> list[dict]:
        tools = {t.get("name") for t in body.get("tools") or [] if isinstance(t, dict)}
        with self._lock:
            for it in body.get("input") or []:
                if isinstance(it, dict) and it.get("type") == "function_call_output" and it.get("call_id") in self._issued:
                    name, args = self._issued.pop(it["call_id"])
                    out = it.get("output")
                    if not isinstance(out, str):
                        out = json.dumps(out)
                    self.results.append((name, args, out))
            if self._step < len(self.script) and not self._issued and self.script[self._step][0] in tools:
                name, args = self.script[self._step]
                cid = f"call_{self._step:04d}"
                self._step += 1
                self._issued[cid] = (name, args)
                return [{"type": "function_call", "id": f"fc_{cid}", "call_id": cid, "name": name,
                         "arguments": json.dumps(args), "status": "completed"}]
            return [{"type": "message", "id": f"msg_{self.requests}", "role": "assistant", "status": "completed",
                     "content": [{"type": "output_text", "text": "done", "annotations": []}]}]

    def start(self) -> "ResponsesStandIn":
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
