from optlib import moments as M
from optlib import validate
from optlib.optimizer import MomentOptimizer


class Nadam(MomentOptimizer):
    """Nadam (Dozat 2016): Adam's V, and Nesterov's look-ahead on Adam's bias-corrected m with a
    momentum schedule mu_t = b1 (1 - 0.5 * 0.96^t) and its running product P_t = mu_1 ... mu_t:

    m_t = b1 m_{t-1} + (1-b1) g_t;  V_t = b2 V_{t-1} + (1-b2) g_t^2;
    m^_t = mu_{t+1} m_t / (1 - P_t mu_{t+1}) + (1 - mu_t) g_t / (1 - P_t);  V^_t = V_t / (1 - b2^t);
    w <- w - lr * m^_t / (sqrt(V^_t) + epsilon).

    Equals Keras' ``Nadam`` for every epsilon (its epsilon sits where optlib's does). The schedule
    is Keras' 0.96^t; Dozat's paper and PyTorch's NAdam use 0.96^(0.004 t), which is
    ``MomentOptimizer(moments.ScheduledNesterov(b1, momentum_decay=0.004),
    moments.MeanOfSquares(b2, bias_correction=True), epsilon)``.
    """

    def __init__(self, learning_rate=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name=None, **kwargs):
        beta_1 = validate.decay("beta_1", beta_1)
        beta_2 = validate.decay("beta_2", beta_2)
        epsilon = validate.epsilon(epsilon)
        super().__init__(M.ScheduledNesterov(beta_1), M.MeanOfSquares(beta_2, bias_correction=True),
                         epsilon=epsilon, learning_rate=learning_rate, name=name, **kwargs)
        self.hyperparameters = {"beta_1": beta_1, "beta_2": beta_2, "epsilon": epsilon}
