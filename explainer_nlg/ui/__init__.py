"""The Gradio app (``build_app``): the page's layout and wiring over ``explainer_nlg.service``."""

from .app import build_app

__all__ = ["build_app"]
