from optlib import moments as M
from optlib import validate
from optlib.optimizer import MomentOptimizer


class AMSGrad(MomentOptimizer):
    """AMSGrad (Reddi et al. 2018): Adam with V replaced by the running maximum of the raw V.

    m_t = b1 m_{t-1} + (1-b1) g_t;  v_t = b2 v_{t-1} + (1-b2) g_t^2;  V_t = max(V_{t-1}, v_t);
    w <- w - lr * (m_t / (1 - b1^t)) / (sqrt(V_t / (1 - b2^t)) + epsilon).

    Equals Keras' ``Adam(amsgrad=True)`` with epsilon = 0 (with epsilon > 0 Keras' is the "epsilon
    hat" of its Adam, added to sqrt(V_t) before the bias correction).
    """

    def __init__(self, learning_rate=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name=None, **kwargs):
        beta_1 = validate.decay("beta_1", beta_1)
        beta_2 = validate.decay("beta_2", beta_2)
        epsilon = validate.epsilon(epsilon)
        super().__init__(M.Momentum(beta_1, bias_correction=True),
                         M.MaxOfMeanOfSquares(beta_2, bias_correction=True), epsilon=epsilon,
                         learning_rate=learning_rate, name=name, **kwargs)
        self.hyperparameters = {"beta_1": beta_1, "beta_2": beta_2, "epsilon": epsilon}
