"""Run every chapter as a Colab reader would, on Colab's software stack (ci/colab-requirements.txt).

    <colab venv>/bin/python ci/colab_stack.py [--jobs N] [chapter.ipynb ...]

Run by .ci/run with the Python of a virtual environment that holds exactly Colab's pinned stack. It
1. installs optlib into that environment the way each chapter's first cell does in Colab
   (`pip install "optlib @ git+file://<this checkout>"`, not editable: the committed HEAD) and fails if
   that changes any version of the stack (a Colab reader would have to restart the runtime);
2. copies the chapters to a folder outside the repository and executes each top to bottom in a plain
   Jupyter kernel (nbclient, not pytest), with none of the environment variables the test suite sets;
3. prints, per chapter: cells with an error, cells with stderr output, numbers quoted in the prose that
   the outputs do not contain (the rule of ci/prose_numbers.py), and compared cells (not tagged to
   ignore their output) whose text differs from the stored outputs.
It exits 1 if any of the first three is not 0; changed cells are reported only: Colab's digits may
differ from the stored ones where the prose does not quote them.
"""
import argparse
import concurrent.futures
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import prose_numbers  # noqa: E402

# Set by the test suite (conftest.py) or by a developer's shell, never by Colab.
NOT_IN_COLAB = ("TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS", "KERAS_BACKEND", "XLA_FLAGS", "PYTHONPATH",
                "PYTHONWARNINGS", "JUPYTER_PATH")


def _freeze():
    out = subprocess.run([sys.executable, "-m", "pip", "list", "--format=json", "--disable-pip-version-check"],
                         check=True, capture_output=True, text=True).stdout
    return {p["name"].lower().replace("_", "-"): p["version"] for p in json.loads(out)}


def install_optlib():
    """pip install optlib from this checkout as the Colab cell does; return what changed besides optlib."""
    before = _freeze()
    if "optlib" in before:
        subprocess.run([sys.executable, "-m", "pip", "uninstall", "-y", "-q", "optlib"], check=True)
        before.pop("optlib")
    result = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check",
                             f"optlib @ git+file://{ROOT}"], capture_output=True, text=True)
    if result.returncode:
        sys.exit(f"installing optlib from git+file://{ROOT} failed:\n{result.stdout}{result.stderr}")
    after = _freeze()
    changed = {name: (before.get(name), version) for name, version in after.items()
               if name != "optlib" and before.get(name) != version}
    changed.update({name: (version, None) for name, version in before.items() if name not in after})
    return changed


def _is_compared(cell):
    tags = cell.get("metadata", {}).get("tags", [])
    return "nbval-ignore-output" not in tags and "nbval-skip" not in tags


def _sanitizers():
    """The (regex, replacement) pairs of nbval_sanitize.cfg, which strict nbval applies before it
    compares (the same "regex: ..." / "replace: ..." line pairs nbval reads)."""
    pairs, regex = [], None
    for line in (ROOT / "nbval_sanitize.cfg").read_text().splitlines():
        if line.startswith("regex: "):
            regex = line[len("regex: "):]
        elif line.startswith("replace: ") and regex is not None:
            pairs.append((re.compile(regex), line[len("replace: "):]))
            regex = None
    return pairs


SANITIZERS = _sanitizers()


def _sanitize(text):
    for regex, replacement in SANITIZERS:
        text = regex.sub(replacement, text)
    return text


def _texts(cell):
    """What a reader sees of a cell's outputs: its streams as one text (a kernel may split a stream
    into several outputs at any point), then each other output's text; sanitized as nbval does
    (random animation ids are no change)."""
    streams = "".join(prose_numbers.output_text(o) for o in cell["outputs"] if o["output_type"] == "stream")
    return [_sanitize(t) for t in [streams] + [prose_numbers.output_text(o) for o in cell["outputs"]
                                               if o["output_type"] not in ("stream", "error")]]


def execute(path, folder):
    """Execute one chapter copied into `folder`; return its report row."""
    import nbformat
    from nbclient import NotebookClient

    stored = json.loads(path.read_text())
    copy = folder / path.name
    shutil.copyfile(path, copy)  # Colab opens a copy of the notebook, away from any checkout
    notebook = nbformat.read(copy, as_version=4)
    start = time.monotonic()
    NotebookClient(notebook, kernel_name="python3", timeout=1800, allow_errors=True,
                   extra_arguments=["--log-level=ERROR"],  # the kernel's own start-up warnings
                   resources={"metadata": {"path": str(folder)}}).execute()
    seconds = time.monotonic() - start
    nbformat.write(notebook, copy)
    ran = json.loads(copy.read_text())
    code = [c for c in ran["cells"] if c["cell_type"] == "code"]
    errors = [i for i, c in enumerate(code, 1) if any(o["output_type"] == "error" for o in c["outputs"])]
    stderr = [i for i, c in enumerate(code, 1) if any(o.get("name") == "stderr" for o in c["outputs"])]
    stale = prose_numbers.stale_numbers(ran, path.stem)
    pairs = zip([c for c in stored["cells"] if c["cell_type"] == "code"], code)
    changed = [i for i, (old, new) in enumerate(pairs, 1) if _is_compared(old) and _texts(old) != _texts(new)]
    details = []
    for i in errors:
        err = next(o for o in code[i - 1]["outputs"] if o["output_type"] == "error")
        details.append(f"  cell {i}: {err['ename']}: {err['evalue'][:300]}")
    for i in stderr:
        text = "".join("".join(o["text"]) for o in code[i - 1]["outputs"] if o.get("name") == "stderr")
        details.append(f"  cell {i} stderr: {text[:300]!r}")
    if stale:
        details.append(f"  prose numbers not in the outputs (markdown cell index, number): {stale}")
    if changed:
        details.append(f"  changed code cells (1-based): {changed}")
    return path.stem, len(errors), len(stderr), len(stale), len(changed), seconds, details


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("chapters", nargs="*", type=pathlib.Path)
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--keep", type=pathlib.Path, help="write the executed chapters into this folder")
    args = parser.parse_args()
    chapters = [p.resolve() for p in args.chapters] or sorted((ROOT / "chapters").glob("*.ipynb"))

    stack = _freeze()  # not imported here: this process stays free of TensorFlow's start-up lines
    print(f"Colab stack: Python {sys.version.split()[0]}, " + ", ".join(
        f"{name} {stack.get(name.lower())}" for name in ("tensorflow", "keras", "numpy", "matplotlib", "pip")))
    start = time.monotonic()
    changed = install_optlib()
    print(f"optlib installed from git+file://{ROOT} in {time.monotonic() - start:.0f} s; "
          f"stack versions changed by it: {changed or 'none'}")
    if changed:
        sys.exit("installing optlib changed Colab's stack (a reader would have to restart the runtime): "
                 + ", ".join(f"{n} {a} -> {b}" for n, (a, b) in sorted(changed.items())))

    for name in NOT_IN_COLAB:
        os.environ.pop(name, None)
    with tempfile.TemporaryDirectory(prefix="colab-chapters-") as tmp:
        folder = args.keep.resolve() if args.keep else pathlib.Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        if ROOT in folder.parents or folder == ROOT:
            sys.exit(f"{folder} is inside the repository; Colab has no checkout")
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            rows = list(pool.map(lambda p: execute(p, folder), chapters))

    print(f"\n{'chapter':<28} {'errors':>6} {'stderr cells':>12} {'prose numbers not found':>23} "
          f"{'changed cells':>13} {'seconds':>7}")
    for stem, errors, stderr, stale, changed_cells, seconds, _ in rows:
        print(f"{stem:<28} {errors:>6} {stderr:>12} {stale:>23} {changed_cells:>13} {seconds:>7.0f}")
    totals = [sum(r[k] for r in rows) for k in (1, 2, 3, 4)]
    print(f"{'total':<28} {totals[0]:>6} {totals[1]:>12} {totals[2]:>23} {totals[3]:>13} "
          f"{time.monotonic() - start:>7.0f}")
    for stem, *_, details in rows:
        if details:
            print(f"\n{stem}:\n" + "\n".join(details))
    if any(totals[:3]):
        sys.exit("\nColab stack: FAILED (errors, stderr output or prose numbers not found; see above)")
    print(f"\nColab stack: passed ({totals[3]} compared cells print other text than the stored outputs; "
          "the prose quotes none of it)")


if __name__ == "__main__":
    main()
