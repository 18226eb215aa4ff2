"""Serve the chat app on a local port for the tests that talk to it over HTTP (the fixtures in
conftest.py use these too)."""

from __future__ import annotations

import socket


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(service, port: int | None = None):
    """The chat app for ``service`` on ``port`` (default: a free local port): (url, app)."""
    from explainer_nlg.ui import build_app

    port = port or free_port()
    app = build_app(service=service)
    app.queue().launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True,
                       max_file_size="50mb")
    return f"http://127.0.0.1:{port}/", app
