"""Every chapter teaches in a reader's shape (ci/prose_shape.py): its key ideas first, a summary before
its exercises, at most 2,800 words of prose, no paragraph over about 150 words, and code cells that
fit the text column (79 characters, formatted by ruff)."""
import json
import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "ci"))
import prose_shape  # noqa: E402

CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
RUFF = shutil.which("ruff") or str(pathlib.Path(sys.executable).parent / "ruff")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_opens_with_key_ideas_and_ends_with_a_summary(path):
    nb = json.loads(path.read_text())
    assert 3 <= len(prose_shape.key_ideas(nb)) <= 5, "a 'Key ideas' box with 3 to 5 points in the opening cells"
    assert prose_shape.has_summary_before_exercises(nb), "a '## N.k Summary' section before the exercises"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_within_the_word_budget(path):
    nb = json.loads(path.read_text())
    assert prose_shape.chapter_words(nb) <= prose_shape.WORD_BUDGET
    long = [(n, text[:80]) for cell in nb["cells"] if cell["cell_type"] == "markdown"
            for n, text in prose_shape.paragraphs("".join(cell["source"])) if n > prose_shape.PARAGRAPH_LIMIT]
    assert not long, f"paragraphs over {prose_shape.PARAGRAPH_LIMIT} words: {long}"


def test_the_shape_measures_what_a_reader_reads():
    md = ("Some $x^2 + y$ text with [a link](04_sgd.ipynb) and {cite}`kingma2015`.\n\n"
          "$$\\sum_t g_t^2$$\n\n```python\nprint(1)\n```\n\n* one item\n* two items here\n\n* a loose item\n")
    assert prose_shape.words(prose_shape.reader_text(md)) == 16  # maths and the citation one word each
    assert [n for n, _ in prose_shape.paragraphs(md)] == [8, 5, 3]  # a tight list is one block
    nb = {"cells": [{"cell_type": "markdown", "source":
                     "# 1. T\n\n```{admonition} Key ideas\n:class: tip\n* a\n* b\n* c\n```\n"},
                    {"cell_type": "markdown", "source": "## 1.2 Summary\n\nDone."},
                    {"cell_type": "markdown", "source": "## Exercises\n"}]}
    assert len(prose_shape.key_ideas(nb)) == 3 and prose_shape.has_summary_before_exercises(nb)
    nb["cells"].reverse()
    assert not prose_shape.has_summary_before_exercises(nb)


def test_code_cells_fit_the_column():
    fmt = subprocess.run([RUFF, "format", "--check", "--quiet", str(ROOT / "chapters")],
                         capture_output=True, text=True, cwd=ROOT)
    assert fmt.returncode == 0, f"run `ruff format chapters/`:\n{fmt.stdout}{fmt.stderr}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_code_and_printed_lines_fit_the_column(path):
    """79 characters fit the text column at 1280 px; cells left out of the HTML (remove-cell: the
    Colab install line) need not."""
    too_long = []
    for cell in json.loads(path.read_text())["cells"]:
        if cell["cell_type"] != "code" or "remove-cell" in cell["metadata"].get("tags", []):
            continue
        texts = ["".join(cell["source"])] + ["".join(o.get("text", "")) for o in cell["outputs"]]
        too_long += [line for text in texts for line in text.splitlines() if len(line) > 79]
    assert not too_long, f"{len(too_long)} lines over 79 characters: {too_long[:3]}"
