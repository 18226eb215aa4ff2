"""Errors a user can act on. Each message names the problem and what is accepted."""

from __future__ import annotations


class ExplainerInputError(ValueError):
    """The input, row, text, image or class name given cannot be explained as is.

    >>> try:
    ...     raise ExplainerInputError("The text is empty: type at least one word.")
    ... except ValueError as err:
    ...     print(err)
    The text is empty: type at least one word.
    """


def unknown_class(name: object, class_names: list[str]) -> ExplainerInputError:
    return ExplainerInputError(
        f"There is no class {name!r}. The model's classes are: {', '.join(map(repr, class_names))}."
    )


def resolve_class(target: object, class_names: list[str]) -> int:
    """Index of ``target`` (a class name, case-insensitive, or an index) in ``class_names``."""
    if isinstance(target, (int,)) and not isinstance(target, bool):
        if 0 <= target < len(class_names):
            return int(target)
        raise unknown_class(target, class_names)
    text = str(target).strip().lower()
    for i, name in enumerate(class_names):
        if str(name).lower() == text:
            return i
    raise unknown_class(target, class_names)
