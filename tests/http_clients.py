"""Talk to the running app over plain HTTP, as a browser or a hostile script would.

``call_api`` uses Gradio's documented two-step HTTP API (POST /gradio_api/call/NAME, then read the
event stream); it sends any JSON, lone surrogates and lists included, which gradio_client would
refuse to encode. ``PageSession`` speaks the queue protocol the page itself uses, so the page's own
events (send a question, upload a model) can be driven without a browser, one session per object.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

TIMEOUT = httpx.Timeout(600.0, connect=10.0)


@dataclass
class Result:
    ok: bool            # the event completed (False: Gradio's error event)
    data: Any           # the endpoint's return value, or the error payload
    status: int = 200   # HTTP status of the request that started it

    @property
    def message(self) -> str:
        if self.ok:
            return str(self.data.get("text", "")) if isinstance(self.data, dict) else str(self.data)
        return str((self.data or {}).get("error") if isinstance(self.data, dict) else self.data)


def call_api(url: str, name: str, data: list, session_hash: str | None = None) -> Result:
    """POST /gradio_api/call/<name> with ``data`` (raw JSON), then read the result event."""
    body: dict[str, Any] = {"data": data}
    if session_hash:
        body["session_hash"] = session_hash
    text = json.dumps(body)  # ensure_ascii: a lone surrogate travels as \\ud800, as a browser's JSON would
    r = httpx.post(f"{url}gradio_api/call/{name}", content=text, headers={"content-type": "application/json"},
                   timeout=TIMEOUT)
    if r.status_code != 200:
        return Result(False, _json_or_text(r), r.status_code)
    event_id = r.json()["event_id"]
    event, payload = None, None
    with httpx.stream("GET", f"{url}gradio_api/call/{name}/{event_id}", timeout=TIMEOUT) as s:
        for line in s.iter_lines():
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event in ("complete", "error"):
                payload = json.loads(line.split(":", 1)[1].strip() or "null")
                break
    if event == "complete":
        return Result(True, payload[0] if isinstance(payload, list) and payload else payload)
    return Result(False, payload)


def _by_label(values: dict[str, Any], label: str | None) -> Any:
    if label is None:
        return None
    if label in values:
        return values[label]
    return next((v for k, v in values.items() if k and label.startswith(k)), None)


def _json_or_text(r: httpx.Response) -> Any:
    try:
        return r.json()
    except ValueError:
        return r.text


class PageSession:
    """One browser tab's session: uploads files and runs the page's events by their labels."""

    def __init__(self, url: str):
        self.url = url
        self.session_hash = uuid.uuid4().hex[:11]
        self.config = httpx.get(f"{url}config", timeout=TIMEOUT).json()
        self.components = {c["id"]: c for c in self.config["components"]}
        self.browser_key = None  # what a browser keeps in localStorage (the page's BrowserState)

    def _is_browser_state(self, cid: int) -> bool:
        return self.components.get(cid, {}).get("type") == "browserstate"

    def _keep_browser_state(self, dep: dict, data: Any) -> None:
        """Store what the event wrote into the BrowserState, as the browser would."""
        for cid, value in zip(dep.get("outputs", []), data or []):
            if self._is_browser_state(cid) and isinstance(value, str) and value:
                self.browser_key = value

    def _label(self, cid: int) -> str | None:
        return self.components.get(cid, {}).get("props", {}).get("label")

    def event(self, fn_name: str) -> dict:
        """The first dependency whose backend function is ``fn_name`` (respond, bring_own, ...)."""
        for d in self.config["dependencies"]:
            if d.get("api_name") == fn_name:
                return d
        raise KeyError(fn_name)

    def upload(self, path: str | Path) -> dict:
        path = Path(path)
        with open(path, "rb") as fh:
            r = httpx.post(f"{self.url}gradio_api/upload", files=[("files", (path.name, fh.read()))],
                           timeout=TIMEOUT)
        r.raise_for_status()
        server_path = r.json()[0]
        return {"path": server_path, "orig_name": path.name, "meta": {"_type": "gradio.FileData"}}

    def run(self, fn_name: str, values: dict[str, Any]) -> Result:
        """Run an event with ``values`` by input label, or the start of one (states and unnamed
        inputs: None); returns
        the last output message's data (or the error)."""
        dep = self.event(fn_name)
        data = [self.browser_key if self._is_browser_state(i) else _by_label(values, self._label(i))
                for i in dep["inputs"]]
        body = {"data": data, "event_data": None, "fn_index": dep["id"], "session_hash": self.session_hash,
                "trigger_id": dep["targets"][0][0] if dep.get("targets") else None}
        r = httpx.post(f"{self.url}gradio_api/queue/join", content=json.dumps(body),
                       headers={"content-type": "application/json"}, timeout=TIMEOUT)
        if r.status_code != 200:
            return Result(False, _json_or_text(r), r.status_code)
        last = None
        with httpx.stream("GET", f"{self.url}gradio_api/queue/data", params={"session_hash": self.session_hash},
                          timeout=TIMEOUT) as s:
            for line in s.iter_lines():
                if not line.startswith("data:"):
                    continue
                msg = json.loads(line[5:])
                if msg.get("msg") == "process_completed":
                    out = msg.get("output") or {}
                    if not msg.get("success", True) or "error" in out:
                        return Result(False, out)
                    self._keep_browser_state(dep, out.get("data", last))
                    return Result(True, out.get("data", last))
                if msg.get("msg") == "process_generating":
                    last = (msg.get("output") or {}).get("data", last)
        return Result(False, last)

    def ask(self, question: str, **panel: Any) -> str:
        """Send a question from the page; the chat's last reply as plain text."""
        values = {None: question, "Model": panel.get("demo", "loan"), "Row id": panel.get("row_id", 17),
                  "Audience": panel.get("audience", "customer"), "Message": panel.get("text", ""),
                  "Sample photo": panel.get("photo", "chelsea"), "…or upload a photo": panel.get("upload"),
                  "Chat": panel.get("history", []), "Its fields (edit a value to ask about a changed applicant)":
                      panel.get("table") or {"headers": ["feature", "value"], "data": [], "metadata": None}}
        dep = self.event("respond")
        data = []
        for i in dep["inputs"]:
            label = self._label(i)
            if self._is_browser_state(i):
                data.append(self.browser_key)
                continue
            data.append(question if self.components[i]["type"] == "textbox" and label is None else values.get(label))
        body = {"data": data, "event_data": None, "fn_index": dep["id"], "session_hash": self.session_hash,
                "trigger_id": dep["targets"][0][0]}
        httpx.post(f"{self.url}gradio_api/queue/join", content=json.dumps(body),  # \ud800 travels escaped
                   headers={"content-type": "application/json"}, timeout=TIMEOUT).raise_for_status()
        chat = None
        with httpx.stream("GET", f"{self.url}gradio_api/queue/data", params={"session_hash": self.session_hash},
                          timeout=TIMEOUT) as s:
            for line in s.iter_lines():
                if not line.startswith("data:"):
                    continue
                msg = json.loads(line[5:])
                out = msg.get("output") or {}
                if msg.get("msg") == "process_generating" and out.get("data"):
                    chat = _apply_chat(chat, out["data"][0])
                if msg.get("msg") == "process_completed":
                    if out.get("data"):
                        chat = _apply_chat(chat, out["data"][0])
                        self._keep_browser_state(dep, out["data"])
                    if not msg.get("success", True):
                        return f"<error event: {out}>"
                    break
        return _last_reply(chat)


def _apply_chat(chat: Any, update: Any) -> Any:
    """A chat value after one streamed update (a whole value, or a list of diff operations)."""
    if isinstance(update, list) and update and isinstance(update[0], list) and update[0] and update[0][0] in (
            "replace", "append", "add", "delete"):
        chat = json.loads(json.dumps(chat if chat is not None else []))
        for op, path, value in update:
            target = chat
            for key in path[:-1]:
                target = target[key]
            last = path[-1] if path else None
            if op == "replace" and not path:
                chat = value
            elif op == "replace":
                target[last] = value
            elif op == "append":
                target[last] = target[last] + value
            elif op == "add":
                if isinstance(target, list):
                    target.insert(last, value) if last < len(target) else target.append(value)
                else:
                    target[last] = value
            elif op == "delete":
                del target[last]
        return chat
    if isinstance(update, dict) and update.get("__type__") == "update":
        return chat if "value" not in update else update["value"]
    return update


def _last_reply(chat: Any) -> str:
    if not chat:
        return ""
    last = chat[-1]
    content = last.get("content") if isinstance(last, dict) else last[1]
    if isinstance(content, list):  # Gradio 6 messages: a list of {"type": "text", "text": ...}
        content = " ".join(str(c.get("text", "")) if isinstance(c, dict) else str(c) for c in content)
    return str(content)
