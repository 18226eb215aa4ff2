"""The Gradio app: a thin shell over ``explainer_nlg.chat`` (``build_app``)."""

from .app import build_app

__all__ = ["build_app"]
