"""The documents a newcomer reads first stay true: README's Layout matches the tree, and every
decision note has the one format (title, Date, Status, Context, Decision, Consequences)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATUSES = ("proposed", "accepted", "superseded", "rejected")


def _layout_block() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("\n## Layout\n"):]
    return section.split("```")[1].strip("\n").splitlines()


def _listed() -> tuple[set[str], set[str]]:
    """(names listed under explainer_nlg/, names listed at the top of the repository)."""
    inner, top = set(), set()
    for line in _layout_block():
        if not line.strip() or line.startswith("    "):  # a description's second line
            continue
        name = line.split()[0].rstrip("/")
        (inner if line.startswith("  ") else top).add(name)
    return inner, top


def test_readme_layout_matches_the_tree():
    inner, top = _listed()
    package = ROOT / "explainer_nlg"
    present = {p.name for p in package.iterdir()
               if (p.is_file() and p.suffix == ".py" and p.name != "__init__.py")
               or (p.is_dir() and p.name != "__pycache__")}
    assert not present - inner, f"add to README's Layout section: {sorted(present - inner)}"
    assert not inner - present, f"README's Layout lists what explainer_nlg/ lacks: {sorted(inner - present)}"
    missing = [name for name in top - {"explainer_nlg"} if not (ROOT / name).exists()]
    assert not missing, f"README's Layout lists what the repository lacks: {missing}"


def test_decision_notes_share_one_format():
    notes = sorted((ROOT / "docs" / "decisions").glob("*.md"))
    assert notes
    for note in notes:
        text = note.read_text(encoding="utf-8")
        lines = text.splitlines()
        number = note.name[:4]
        assert re.fullmatch(rf"# {number}: \S.*", lines[0]), f"{note.name}: the first line is '# {number}: title'"
        assert re.search(r"^Date: \d{4}-\d{2}-\d{2}$", text, re.M), f"{note.name}: no 'Date: YYYY-MM-DD' line"
        status = re.search(r"^Status: (\w+)", text, re.M)
        assert status and status.group(1) in STATUSES, f"{note.name}: Status is one of {STATUSES}"
        headings = re.findall(r"^## (.+)$", text, re.M)
        assert headings == ["Context", "Decision", "Consequences"], \
            f"{note.name}: sections are ## Context, ## Decision, ## Consequences, in that order (found {headings})"
