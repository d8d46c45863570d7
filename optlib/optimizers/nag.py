from optlib import moments as M
from optlib import validate
from optlib.optimizer import MomentOptimizer


class NAG(MomentOptimizer):
    """Nesterov's accelerated gradient in EMA form:
    m_t = beta * m_{t-1} + (1 - beta) * g_t, w <- w - lr * (beta * m_t + (1 - beta) * g_t).

    Equals Keras' ``SGD(momentum=beta, nesterov=True)`` with learning rate lr * (1 - beta).
    """

    def __init__(self, learning_rate=0.1, beta=0.9, name=None, **kwargs):
        beta = validate.decay("beta", beta)
        super().__init__(M.Nesterov(beta), M.Constant(), epsilon=0.0,
                         learning_rate=learning_rate, name=name, **kwargs)
        self.hyperparameters = {"beta": beta}
