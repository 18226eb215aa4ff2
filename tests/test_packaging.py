"""What an installed copy holds: every package, and prompts/ (which lives at the top of the repository).

pyproject.toml lists the packages by hand (prompts/ ships as ``explainer_nlg.prompts`` through a
package-dir mapping, which discovery cannot do), so a new package left off the list would be
missing from the wheel; the first test catches that. The second builds the wheel, installs it
outside the repository, and reads the templates from the installed copy.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from explainer_nlg.prompt_files import read_toml

ROOT = Path(__file__).resolve().parent.parent


def _listed_packages() -> set[str]:
    return set(read_toml(ROOT / "pyproject.toml")["tool"]["setuptools"]["packages"])


def test_every_package_directory_is_listed_in_pyproject():
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "explainer_nlg").rglob("__init__.py")
               if "__pycache__" not in p.parts}
    on_disk |= {"explainer_nlg.prompts", "explainer_nlg.data"}  # data folders, mapped or listed
    listed = _listed_packages()
    assert not on_disk - listed, f"add to [tool.setuptools] packages in pyproject.toml: {sorted(on_disk - listed)}"
    assert not listed - on_disk, f"listed in pyproject.toml but not in the tree: {sorted(listed - on_disk)}"


@pytest.mark.slow
def test_installed_wheel_reads_prompts_outside_the_repository(tmp_path):
    """Build the wheel (no isolation: the venv's setuptools), unpack it into a folder, and import it
    from a directory outside the repository, where only the installed copy can answer."""
    pytest.importorskip("setuptools")
    # Built from a copy: setuptools writes build/ into the tree it builds.
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "docs", "benchmarks"))
    wheels = tmp_path / "wheels"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                            "-w", str(wheels), str(source)], capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr[-2000:]
    wheel = next(wheels.glob("explainer_nlg-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {f"explainer_nlg/prompts/{p.name}" for p in (ROOT / "prompts").glob("*.toml")}
    assert shipped and shipped <= names, f"the wheel lacks {sorted(shipped - names)}"

    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    script = ("import explainer_nlg, sys\n"
              "from explainer_nlg.narrate.vocabulary import templates\n"
              "from explainer_nlg.prompt_files import load_prompt_file, prompt_file_names\n"
              "print(explainer_nlg.__file__)\n"
              "print(','.join(prompt_file_names()))\n"
              "print(','.join(sorted(templates()['why'])))\n"
              "print(len(load_prompt_file('chat_examples.toml')['ops']))\n")
    # The unpacked wheel goes first on the path, ahead of the editable install's finder.
    env = {**os.environ, "PYTHONPATH": str(site)}
    run = subprocess.run([sys.executable, "-c", script], cwd=outside, env=env, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    where, files, audiences, n_ops = run.stdout.split()
    assert Path(where).resolve().is_relative_to(site.resolve()), f"imported {where}, not the installed copy"
    assert files.split(",") == sorted(p.name for p in (ROOT / "prompts").glob("*.toml"))
    assert audiences == "customer,developer,support"
    assert int(n_ops) == len(read_toml(ROOT / "prompts" / "chat_examples.toml")["ops"])
