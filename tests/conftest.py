import os
import socket
from types import SimpleNamespace

import pytest

# Nothing may come from a model hub: every demo must load with the hub switched off.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"


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


@pytest.fixture(scope="session")
def app_server(tmp_path_factory):
    """The chat app on a free local port, served once for every test that talks to it over HTTP,
    with its own conversation store and image folder (``.images``)."""
    pytest.importorskip("gradio")
    from explainer_nlg.service import Service

    tmp = tmp_path_factory.mktemp("app")
    images = tmp / "images"
    images.mkdir()
    service = Service(budget=256, store=f"sqlite:///{tmp / 'store.sqlite'}", image_folder=str(images))
    url, app = serve(service)
    yield SimpleNamespace(url=url, images=images, service=service, store=tmp / "store.sqlite")
    app.close()


@pytest.fixture(scope="session")
def app_url(app_server):
    return app_server.url
