"""The notes' optimizers, one per file, each a choice of first moment m and second moment V."""
from optlib.optimizers.adadelta import AdaDelta
from optlib.optimizers.adagrad import AdaGrad
from optlib.optimizers.adam import Adam
from optlib.optimizers.nag import NAG
from optlib.optimizers.rmsprop import RMSProp
from optlib.optimizers.sgd import SGD
from optlib.optimizers.sgdm import SGDM

__all__ = ["SGD", "SGDM", "NAG", "AdaGrad", "RMSProp", "AdaDelta", "Adam"]
