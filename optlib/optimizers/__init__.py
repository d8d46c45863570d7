"""The notes' optimizers, one per file, each a choice of first moment m and second moment V."""
from optlib.optimizers.adadelta import AdaDelta
from optlib.optimizers.adagrad import AdaGrad
from optlib.optimizers.adam import Adam
from optlib.optimizers.adamax import AdaMax
from optlib.optimizers.adamw import AdamW
from optlib.optimizers.amsgrad import AMSGrad
from optlib.optimizers.lion import Lion
from optlib.optimizers.nadam import Nadam
from optlib.optimizers.nag import NAG
from optlib.optimizers.rmsprop import RMSProp
from optlib.optimizers.sgd import SGD
from optlib.optimizers.sgdm import SGDM

__all__ = ["SGD", "SGDM", "NAG", "AdaGrad", "RMSProp", "AdaDelta", "Adam", "AdamW", "AMSGrad", "AdaMax",
           "Nadam", "Lion"]
