from optlib import moments as M
from optlib import validate
from optlib.optimizer import MomentOptimizer


class SGDM(MomentOptimizer):
    """SGD with momentum in the notes' EMA form:
    m_t = beta * m_{t-1} + (1 - beta) * g_t, V_t = 1, w <- w - lr * m_t.

    Equals Keras' ``SGD(momentum=beta)`` with learning rate lr * (1 - beta).
    """

    def __init__(self, learning_rate=0.1, beta=0.9, name=None, **kwargs):
        beta = validate.decay("beta", beta)
        super().__init__(M.Momentum(beta), M.Constant(), epsilon=0.0,
                         learning_rate=learning_rate, name=name, **kwargs)
        self.hyperparameters = {"beta": beta}
