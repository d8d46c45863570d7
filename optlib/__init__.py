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
from optlib import animate, explorer, quadratic_rates  # noqa: E402
from optlib.history import History  # noqa: E402
from optlib.optimizer import MomentOptimizer, Moments, RuleOptimizer  # noqa: E402
from optlib.optimizers import NAG, SGD, SGDM, AdaDelta, AdaGrad, Adam, RMSProp  # noqa: E402
from optlib.training import default_device, initial_weights, train  # noqa: E402

OPTIMIZERS = {cls.__name__: cls for cls in (SGD, SGDM, NAG, AdaGrad, RMSProp, AdaDelta, Adam)}

__all__ = [
    "SGD", "SGDM", "NAG", "AdaGrad", "RMSProp", "AdaDelta", "Adam", "OPTIMIZERS",
    "MomentOptimizer", "RuleOptimizer", "Moments", "History", "train", "initial_weights",
    "default_device",
    "iris", "moments", "rules", "surfaces", "plot", "recorded",
    "animate", "explorer", "quadratic_rates",
]
