"""optlib: the optimizers of the study notes as Keras optimizers, each a pair (m, V).

    w <- w - lr * m_t / (sqrt(V_t) + epsilon)

``optlib.moments`` holds the first- and second-moment rules, ``optlib.optimizers`` the named
optimizers built from them, ``optlib.train`` a task (``optlib.tasks``: the notes' iris experiment, or digits) compiled with XLA.
"""
from optlib import _quiet  # noqa: F401  (must precede the TensorFlow import)

import keras as _keras

if _keras.backend.backend() != "tensorflow":
    raise ImportError(
        f"optlib needs Keras' TensorFlow backend, but KERAS_BACKEND is {_keras.backend.backend()!r}. "
        "Unset KERAS_BACKEND or set it to 'tensorflow' before importing optlib."
    )

from optlib import digits, iris, moments, plot, recorded, rules, surfaces, tasks  # noqa: E402
from optlib import sweep  # noqa: E402  (after train's module, which it uses)
from optlib import animate, explorer, quadratic_rates  # noqa: E402
from optlib.history import History  # noqa: E402
from optlib.optimizer import MomentOptimizer, Moments, RuleOptimizer  # noqa: E402
from optlib.optimizers import (  # noqa: E402
    NAG, SGD, SGDM, AMSGrad, AdaDelta, AdaGrad, AdaMax, Adam, AdamW, Lion, Nadam, RMSProp,
)
from optlib.training import default_device, initial_weights, train  # noqa: E402

# The book's seven (the notes' five, and NAG and AdaDelta, which they name), compared in its chapters;
# the newer ones built from the same (m, V) pieces; and all of them (`python -m optlib`).
OPTIMIZERS = {cls.__name__: cls for cls in (SGD, SGDM, NAG, AdaGrad, RMSProp, AdaDelta, Adam)}
NEWER_OPTIMIZERS = {cls.__name__: cls for cls in (AdamW, AMSGrad, AdaMax, Nadam, Lion)}
ALL_OPTIMIZERS = {**OPTIMIZERS, **NEWER_OPTIMIZERS}

__all__ = [
    "SGD", "SGDM", "NAG", "AdaGrad", "RMSProp", "AdaDelta", "Adam",
    "AdamW", "AMSGrad", "AdaMax", "Nadam", "Lion", "OPTIMIZERS", "NEWER_OPTIMIZERS", "ALL_OPTIMIZERS",
    "MomentOptimizer", "RuleOptimizer", "Moments", "History", "train", "initial_weights",
    "default_device",
    "iris", "digits", "tasks", "moments", "rules", "surfaces", "plot", "recorded", "sweep",
    "animate", "explorer", "quadratic_rates",
]
