import os
import socket

import pytest

# Nothing may come from a model hub: every demo must load with the hub switched off.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"


@pytest.fixture(scope="session")
def app_url():
    """The chat app on a free local port, served once for every test that talks to it over HTTP."""
    pytest.importorskip("gradio")
    from explainer_nlg.ui import build_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = build_app(budget=256)
    app.queue().launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    yield f"http://127.0.0.1:{port}/"
    app.close()
