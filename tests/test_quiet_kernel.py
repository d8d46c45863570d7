"""What importing optlib promises about the process it runs in: no TensorFlow log line reaches a
notebook cell, in a plain Jupyter kernel as in Colab (not only under pytest, whose conftest.py sets
the log level), and XLA's CPU code is capped at AVX2 so that x86-64 machines compute the same digits."""
import os
import platform
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient

# Variables that conftest.py or a developer's shell set, and that Colab does not.
NOT_IN_A_PLAIN_KERNEL = ("TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS", "KERAS_BACKEND", "XLA_FLAGS")


def _plain_environment():
    return {k: v for k, v in os.environ.items() if k not in NOT_IN_A_PLAIN_KERNEL}


def test_a_plain_kernel_shows_no_stderr_when_optlib_trains(tmp_path, monkeypatch):
    """The first XLA compilation of TF 2.19 logs 'XLA service ... initialized' and 'Compiled cluster
    using XLA!' whatever the log level; ipykernel forwards such C-level lines into the cell."""
    for name in NOT_IN_A_PLAIN_KERNEL:
        monkeypatch.delenv(name, raising=False)
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import optlib"),
        nbformat.v4.new_code_cell("h = optlib.train(optlib.Adam(), epochs=3)\nprint(h.epochs)"),
        nbformat.v4.new_code_cell("import tensorflow as tf\n"
                                  "f = tf.function(lambda x: 2 * x, jit_compile=True)\n"
                                  "print(float(f(tf.constant(1.0))))"),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, kernel_name="python3", timeout=600,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    streams = [(o.get("name"), "".join(o.get("text", ""))) for c in nb.cells for o in c.outputs]
    assert [text for name, text in streams if name == "stderr"] == []
    assert ("stdout", "3\n") in streams and ("stdout", "2.0\n") in streams


def _xla_flags_after_import(env):
    code = "import optlib, os; print(os.environ.get('XLA_FLAGS', ''))"
    return subprocess.run([sys.executable, "-c", code], env=env, check=True,
                          capture_output=True, text=True).stdout.strip()


@pytest.mark.skipif(platform.machine().lower() not in ("x86_64", "amd64"), reason="an x86-64 setting")
def test_xla_is_capped_at_avx2_unless_the_user_chose_an_isa():
    env = _plain_environment()
    assert _xla_flags_after_import(env) == "--xla_cpu_max_isa=AVX2"
    env["XLA_FLAGS"] = "--xla_cpu_max_isa=AVX512"
    assert _xla_flags_after_import(env) == "--xla_cpu_max_isa=AVX512"
    env["XLA_FLAGS"] = "--xla_dump_to=/tmp/nowhere"
    assert _xla_flags_after_import(env) == "--xla_dump_to=/tmp/nowhere --xla_cpu_max_isa=AVX2"
