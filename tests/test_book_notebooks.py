"""The chapters as committed: executed in order, no noise, and a Colab install cell that agrees with
_config.yml (the repository is named there once; every notebook must install from it)."""
import json
import pathlib
import re
import sys

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())


TOC_FILES = [TOC["root"]] + [entry["file"] for entry in TOC.get("chapters", [])]
# Every entry is a notebook unless it is a Markdown page (a missing notebook fails below).
NOTEBOOKS = [ROOT / f"{name}.ipynb" for name in TOC_FILES if not (ROOT / f"{name}.md").exists()]


def _code_cells(path):
    nb = json.loads(path.read_text())
    return nb, [c for c in nb["cells"] if c["cell_type"] == "code"]


def test_every_toc_entry_exists():
    for name in TOC_FILES:
        assert (ROOT / f"{name}.ipynb").exists() or (ROOT / f"{name}.md").exists(), name


def test_every_chapter_notebook_is_in_the_toc():
    listed = {p.resolve() for p in NOTEBOOKS}
    for path in (ROOT / "chapters").glob("*.ipynb"):
        assert path.resolve() in listed, f"{path.name} is not in _toc.yml"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_colab_install_cell_agrees_with_config(path):
    url = CONFIG["repository"]["url"].rstrip("/")
    _, cells = _code_cells(path)
    first = "".join(cells[0]["source"])
    assert 'if "google.colab" in sys.modules:' in first, "the first code cell must be the Colab install cell"
    installs = re.findall(r'optlib @ git\+(\S+?)["\s]', first)
    assert installs == [url], f"{path.name} installs from {installs}, _config.yml says {url}"
    assert cells[0]["outputs"] == [], "outside Colab the install cell must print nothing"
    assert "remove-cell" in cells[0]["metadata"].get("tags", []), "the install cell is removed from the HTML"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_executed_in_order_without_noise(path):
    nb, cells = _code_cells(path)
    assert nb["metadata"]["kernelspec"]["name"] == "python3", "Colab's launch button needs the kernelspec"
    assert [c["execution_count"] for c in cells] == list(range(1, len(cells) + 1)), \
        "execute the notebook top to bottom in a fresh kernel before committing"
    assert any(c["outputs"] for c in cells), "committed without outputs: nbval would compare nothing"
    for cell in cells:
        assert "execution" not in cell["metadata"], \
            f"per-cell timestamps stored in {path.name}: execute with docs/execute_chapter.py"
        for out in cell["outputs"]:
            assert out["output_type"] != "error", f"stored error in {path.name}"
            assert out.get("name") != "stderr", f"stderr stored in {path.name}: {''.join(out['text'])[:200]}"
        source = "".join(cell["source"])
        assert "NBVAL" not in source, "mark a cell with the tag nbval-ignore-output, not a comment"
        ignored = "nbval-ignore-output" in cell["metadata"].get("tags", [])
        if ignored:  # only the device and wall-clock times are machine-dependent
            assert "default_device()" in source or "seconds" in source, \
                f"{path.name}: an ignored cell that prints neither the device nor a timing:\n{source[:300]}"
        # What is printed or displayed as text; a figure's base64 PNG may contain "0x" followed by hex.
        text = json.dumps([{k: v for k, v in out.get("data", {}).items() if not k.startswith("image/")}
                           | {"text": out.get("text", "")} for out in cell["outputs"]])
        if not ignored:
            assert not re.search(r"0x[0-9a-f]{6,}", text), f"memory address in a compared output of {path.name}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_prints_the_device(path):
    """For a Colab reader (a GPU or not); the HTML leaves the cell out, and nbval ignores its output."""
    _, cells = _code_cells(path)
    device = [c for c in cells if "optlib.default_device()" in "".join(c["source"])]
    assert device and {"remove-cell", "nbval-ignore-output"} <= set(device[0]["metadata"].get("tags", []))


# ------------------------------------------------------------------ numbers quoted in the prose
# The prose quotes results ("RMSProp reaches 100 % after 28 ± 13 epochs"); when the code changes,
# a quoted number that the new outputs no longer contain is stale. The rule lives in
# ci/prose_numbers.py, which the Colab-stack job (ci/colab_stack.py) applies to Colab's outputs too.
sys.path.insert(0, str(ROOT / "ci"))
import prose_numbers  # noqa: E402


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_numbers_quoted_in_the_prose_come_from_the_outputs(path):
    stale = prose_numbers.stale_numbers(json.loads(path.read_text()), path.stem)
    assert not stale, (f"{path.name}: numbers in the prose (cell index, number) that no code or output of the "
                       f"chapter contains; update the prose from the outputs: {stale}")


def test_the_prose_check_sees_the_quoted_results():
    """Not vacuous: the book quotes hundreds of results, and a changed one is caught."""
    counts = sum(len(list(prose_numbers.quoted_numbers("".join(c["source"])))) for path in NOTEBOOKS
                 for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "markdown")
    assert counts > 200
    quoted = prose_numbers.quoted_numbers("loss 0.0286, 37.7 % right, section 7.3, $0.25$")
    assert list(quoted) == ["0.0286", "37.7"]
    nb = {"cells": [{"cell_type": "markdown", "source": "loss 0.0286 and 0.5 %"},
                    {"cell_type": "code", "source": "", "outputs": [{"text": "0.0286"}]}]}
    assert prose_numbers.stale_numbers(nb, "x") == [(0, "0.5")]
