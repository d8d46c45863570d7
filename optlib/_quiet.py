"""Keep TensorFlow's log lines out of notebooks and test output; runs before TensorFlow loads.

TensorFlow 2.21 prints a few C++ lines while it loads ("All log messages before
absl::InitializeLog()...", "Could not find cuda drivers...") and reads TF_CPP_MIN_LOG_LEVEL only from
the environment the process started with, so setting it here is not enough: the import itself
runs with file descriptor 2 pointed at /dev/null. Python exceptions are unaffected (they are
raised, not printed). Set TF_CPP_MIN_LOG_LEVEL to 0, 1 or 2 yourself to keep TensorFlow's
messages; optlib then changes nothing but the defaults below.
"""
import os
import sys

QUIET = os.environ.get("TF_CPP_MIN_LOG_LEVEL", "3") == "3"

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# oneDNN prints a banner and may reorder floating-point sums between CPU models.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")


def _import_tensorflow_silently():
    if "tensorflow" in sys.modules or not QUIET:
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no usable fd 2: nothing to hide
        import tensorflow  # noqa: F401
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        import tensorflow  # noqa: F401
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


_import_tensorflow_silently()

if QUIET:
    import tensorflow as _tf

    # optlib compiles one program per optimizer on purpose; TF's "retracing" advice is noise here.
    _tf.get_logger().setLevel("ERROR")
