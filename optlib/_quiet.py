"""Keep TensorFlow's log lines out of notebooks and test output; runs before TensorFlow loads.

TensorFlow prints a few C++ lines while it loads ("All log messages before absl::InitializeLog()...",
"Could not find cuda drivers...") and reads TF_CPP_MIN_LOG_LEVEL only from the environment the process
started with, so setting it here is not enough: the import runs with file descriptor 2 pointed at
/dev/null. TensorFlow 2.19 (Colab's) also logs, once per process and whatever the log level, when XLA
first starts ("XLA service ... initialized", "StreamExecutor device (0)", "Compiled cluster using
XLA!"); in a plain Jupyter kernel ipykernel forwards those C-level lines into the cell. So the first
time optlib itself needs TensorFlow's runtime (an optimizer, a compiled run, ``default_device()``)
it compiles one tiny program with XLA under the same redirect, and every later compilation is
silent. Not at import: devices can still be configured after ``import optlib``. Python exceptions
are unaffected (they are raised, not printed). Set TF_CPP_MIN_LOG_LEVEL to 0, 1 or 2 yourself to
keep TensorFlow's messages; optlib then changes nothing but the defaults below.

On x86-64, XLA's CPU compiler also targets the vector instructions of the machine it runs on, so
the same program rounds differently on an AVX2 and an AVX-512 processor, and chaotic runs (RMSProp
without epsilon, label noise) end with other digits. optlib caps XLA at AVX2 (``--xla_cpu_max_isa``)
so that every x86-64 machine with AVX2 computes the same numbers, unless XLA_FLAGS already sets it.
"""
import os
import platform
import sys

QUIET = os.environ.get("TF_CPP_MIN_LOG_LEVEL", "3") == "3"

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# oneDNN prints a banner and may reorder floating-point sums between CPU models.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
XLA_ISA = "--xla_cpu_max_isa=AVX2"
if platform.machine().lower() in ("x86_64", "amd64") and "xla_cpu_max_isa" not in os.environ.get("XLA_FLAGS", ""):
    os.environ["XLA_FLAGS"] = f"{os.environ.get('XLA_FLAGS', '')} {XLA_ISA}".strip()


def _with_stderr_silenced(function):
    """function(), with file descriptor 2 (C-level stderr) pointed at /dev/null while it runs."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no usable fd 2: nothing to hide
        return function()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        return function()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _import_tensorflow():
    import tensorflow  # noqa: F401


if "tensorflow" not in sys.modules:
    if QUIET:
        _with_stderr_silenced(_import_tensorflow)
    else:
        _import_tensorflow()

_XLA_STARTED = False


def start_xla_quietly():
    """Compile one tiny XLA program with stderr silenced, once per process (see the module's doc)."""
    global _XLA_STARTED
    if _XLA_STARTED or not QUIET:
        return
    _XLA_STARTED = True
    import tensorflow as tf

    _with_stderr_silenced(lambda: tf.function(lambda x: x + 1.0, jit_compile=True)(tf.constant(0.0)))


if QUIET:
    import tensorflow as _tf

    # optlib compiles one program per optimizer on purpose; TF's "retracing" advice is noise here.
    _tf.get_logger().setLevel("ERROR")
