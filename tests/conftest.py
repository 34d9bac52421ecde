"""Fixtures shared by the end-to-end tests: the real pipeline (loaded once), the seed article and a
runner for the `geostory` command in a child process.

The real spaCy model and the offline gazetteer index load once per session, on first use of
`real_build_story`; set ``GEOSTORY_CACHE_DIR`` to reuse an index built earlier.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "000_5c1121d8640b17ca.txt"


@pytest.fixture(scope="session")
def real_build_story() -> Callable:
    """`geostory.pipeline.build_story`, warmed up: the spaCy model and gazetteer are loaded.

    Skips when the default spaCy pipeline is not installed; a gazetteer that cannot be built
    fails the test (that is a real error, not a missing optional piece).
    """
    pytest.importorskip("spacy")
    from geostory.errors import ModelError
    from geostory.pipeline import build_story

    try:
        build_story("Talks were held in Paris.")
    except ModelError as err:
        pytest.skip(f"the default spaCy pipeline is not installed: {err}")
    return build_story


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    """The seed article and its sidecar, copied to a temporary folder (outputs go beside it)."""
    target = tmp_path / SEED.name
    shutil.copyfile(SEED, target)
    sidecar = SEED.with_suffix(".json")
    if sidecar.exists():
        shutil.copyfile(sidecar, target.with_suffix(".json"))
    return target


def run_geostory(
    args: Sequence[str], *, cwd: Path, input: bytes | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    """`python -m geostory ARGS` in a child process; output captured as text (UTF-8)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.setdefault("PYTHONIOENCODING", "utf-8")
    completed = subprocess.run(
        [sys.executable, "-m", "geostory", *args],
        cwd=cwd,
        input=input,
        capture_output=True,
        timeout=timeout,
        env=env,
    )
    return subprocess.CompletedProcess(
        completed.args,
        completed.returncode,
        completed.stdout.decode("utf-8", "replace"),
        completed.stderr.decode("utf-8", "replace"),
    )


@pytest.fixture
def geostory_cli(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess]:
    """Run the `geostory` command in a child process, in `tmp_path` unless `cwd=` says otherwise."""

    def run(*args: str, cwd: Path | None = None, input: bytes | None = None) -> subprocess.CompletedProcess:
        return run_geostory(args, cwd=cwd or tmp_path, input=input)

    return run


@pytest.fixture(scope="session")
def recognize_text():
    """Recognition on a made-up text: the real model and the offline gazetteer, loaded once."""
    pytest.importorskip("spacy")
    from geostory.errors import ModelError
    from geostory.gazetteer import default_gazetteer
    from geostory.language import load_pipeline, parse
    from geostory.recognize import recognize

    try:
        nlp = load_pipeline()
    except ModelError as err:
        pytest.skip(f"the default spaCy pipeline is not installed: {err}")
    gazetteer = default_gazetteer()

    def run(text: str):
        return recognize(parse(text, nlp), gazetteer)

    return run
