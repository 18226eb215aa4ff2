import os
from types import SimpleNamespace

import pytest

from tests.serving import serve

# Nothing may come from a model hub: every demo must load with the hub switched off.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"


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
