"""The wording, kept as data: narration templates and vocabulary, the chat's example bank, LLM prompts.

Nothing to import here. The wheel installs this folder as ``explainer_nlg.prompts`` (see
pyproject.toml); read the files through ``explainer_nlg.prompt_files``. This file only makes the
folder a package, which an editable install needs to map it.
"""
