"""optlib: the optimizers of the study notes as Keras optimizers, each a pair (m, V).

    w <- w - lr * m_t / (sqrt(V_t) + epsilon)

``optlib.moments`` holds the first- and second-moment rules, ``optlib.optimizers`` the named
optimizers built from them, ``optlib.train`` the notes' iris experiment compiled with XLA.
"""
from optlib import _quiet  # noqa: F401  (must precede the TensorFlow import)

import keras as _keras

if _keras.backend.backend() != "tensorflow":
    raise ImportError(
        f"optlib needs Keras' TensorFlow backend, but KERAS_BACKEND is {_keras.backend.backend()!r}. "
        "Unset KERAS_BACKEND or set it to 'tensorflow' before importing optlib."
    )

from optlib import iris, moments, plot, recorded, rules, surfaces  # noqa: E402
from optlib.history import History  # noqa: E402
from optlib.optimizer import MomentOptimizer, Moments, RuleOptimizer  # noqa: E402
from optlib.optimizers import (  # noqa: E402
    NAG, SGD, SGDM, AMSGrad, AdaDelta, AdaGrad, AdaMax, Adam, AdamW, Lion, Nadam, RMSProp,
)
from optlib.training import default_device, initial_weights, train  # noqa: E402

OPTIMIZERS = {cls.__name__: cls for cls in (SGD, SGDM, NAG, AdaGrad, RMSProp, AdaDelta, Adam,
                                            AdamW, AMSGrad, AdaMax, Nadam, Lion)}

__all__ = [
    "SGD", "SGDM", "NAG", "AdaGrad", "RMSProp", "AdaDelta", "Adam",
    "AdamW", "AMSGrad", "AdaMax", "Nadam", "Lion", "OPTIMIZERS",
    "MomentOptimizer", "RuleOptimizer", "Moments", "History", "train", "initial_weights",
    "default_device",
    "iris", "moments", "rules", "surfaces", "plot", "recorded",
]
