"""Execute chapters in place, top to bottom in a fresh kernel, the way `pytest --nbval` re-runs them:

    python3 docs/execute_chapter.py chapters/04_sgd.ipynb [more.ipynb ...]

TensorFlow's log level and oneDNN setting are those conftest.py gives nbval's kernels, so the stored
outputs are the ones the tests reproduce; no per-cell timestamps are written into the notebook.
"""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402


def execute(path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)  # timestamps of an earlier run
    NotebookClient(notebook, kernel_name="python3", timeout=1200, record_timing=False,
                   extra_arguments=["--log-level=ERROR"],  # the kernel's own start-up warnings
                   resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}}).execute()
    nbformat.write(notebook, path)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for name in sys.argv[1:]:
        execute(name)
        print(f"executed {name}")
