"""A loopback stand-in for the Anthropic Messages API that scripts an agent's tool calls.

It serves ``POST /v1/messages`` (streamed as server-sent events, or plain JSON) on 127.0.0.1
only. A request that offers the scripted tools is the agent's main loop: the stand-in records
every ``tool_result`` block it carries and answers with the next scripted ``tool_use`` (one
per turn), then with a closing text. Any other request (title, command-prefix checks...) gets
a short text answer. Nothing leaves the machine.

usage (by tests): ``StandIn(script).start()`` -> ``.url``; ``.results`` holds
``[(tool_name, tool_input, result_text, is_error)]`` in order.
"""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def _text_of(content) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(_text_of(c.get("text", c.get("content", ""))) if isinstance(c, dict) else str(c)
                         for c in content)
    return str(content)


class StandIn:
    def __init__(self, script: list[tuple[str, dict]]):
        self.script = list(script)
        self.results: list[tuple[str, dict, str, bool]] = []
        self.requests = 0
        self._issued: dict[str, tuple[str, dict]] = {}
        self._lock = threading.Lock()
        self._step = 0
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):  # quiet
                pass

            def do_HEAD(self):
                self.send_response(200)
                self.end_headers()

            def do_GET(self):
                self._json(200, {})

            def do_POST(self):
                n = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(n) or b"{}")
                standin.requests += 1
                if not self.path.startswith("/v1/messages") or self.path.startswith("/v1/messages/count_tokens"):
                    self._json(200, {"input_tokens": 10})
                    return
                content = standin.answer(body)
                msg = {"id": f"msg_{standin.requests}", "type": "message", "role": "assistant",
                       "model": body.get("model", "stand-in"), "content": content,
                       "stop_reason": "tool_use" if any(c["type"] == "tool_use" for c in content) else "end_turn",
                       "stop_sequence": None, "usage": {"input_tokens": 10, "output_tokens": 10}}
                if body.get("stream"):
                    self._stream(msg)
                else:
                    self._json(200, msg)

            def _json(self, code, obj):
                data = json.dumps(obj).encode()
                self.send_response(code)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, msg):
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.send_header("cache-control", "no-cache")
                self.end_headers()

                def ev(kind, data):
                    self.wfile.write(f"event: {kind}\ndata: {json.dumps(data)}\n\n".encode())

                start = {**msg, "content": [], "stop_reason": None}
                ev("message_start", {"type": "message_start", "message": start})
                for i, block in enumerate(msg["content"]):
                    if block["type"] == "text":
                        ev("content_block_start", {"type": "content_block_start", "index": i,
                                                   "content_block": {"type": "text", "text": ""}})
                        ev("content_block_delta", {"type": "content_block_delta", "index": i,
                                                   "delta": {"type": "text_delta", "text": block["text"]}})
                    else:
                        ev("content_block_start", {"type": "content_block_start", "index": i, "content_block": {
                            "type": "tool_use", "id": block["id"], "name": block["name"], "input": {}}})
                        ev("content_block_delta", {"type": "content_block_delta", "index": i, "delta": {
                            "type": "input_json_delta", "partial_json": json.dumps(block["input"])}})
                    ev("content_block_stop", {"type": "content_block_stop", "index": i})
                ev("message_delta", {"type": "message_delta", "delta": {"stop_reason": msg["stop_reason"],
                                                                        "stop_sequence": None},
                                     "usage": {"output_tokens": 10}})
                ev("message_stop", {"type": "message_stop"})
                self.wfile.flush()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, body: dict) -> list[dict]:
        tools = {t.get("name") for t in body.get("tools") or [] if isinstance(t, dict)}
        names = {name for name, _ in self.script}
        if not tools or not (names & tools):
            return [{"type": "text", "text": "none"}]
        with self._lock:
            msgs = body.get("messages") or []
            last = msgs[-1] if msgs else {}
            if isinstance(last.get("content"), list):
                for c in last["content"]:
                    if isinstance(c, dict) and c.get("type") == "tool_result" and c.get("tool_use_id") in self._issued:
                        name, inp = self._issued.pop(c["tool_use_id"])
                        self.results.append((name, inp, _text_of(c.get("content", "")), bool(c.get("is_error"))))
            if self._step < len(self.script) and not self._issued:
                name, inp = self.script[self._step]
                tid = f"toolu_{self._step:04d}"
                self._step += 1
                self._issued[tid] = (name, inp)
                return [{"type": "tool_use", "id": tid, "name": name, "input": inp}]
            return [{"type": "text", "text": "done"}]

    def start(self) -> "StandIn":
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
