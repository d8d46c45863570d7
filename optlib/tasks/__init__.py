"""What ``optlib.train`` trains. A task is its data, a network and a loss (see ``Task``):

* ``iris()``: the notes' experiment, the default: 4 features -> softmax over 3 classes, MSE;
* ``digits(hidden=32)``: 8x8 handwritten digits, 64 -> hidden (ReLU) -> 10, cross-entropy.

A third task is a new ``Task`` subclass: its data, ``initial_weights``, ``outputs`` and ``loss``.
"""
from optlib.tasks.base import Task
from optlib.tasks.digits_task import Digits, digits
from optlib.tasks.iris_task import Iris, iris

__all__ = ["Task", "Iris", "Digits", "iris", "digits"]
