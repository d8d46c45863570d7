from optlib import validate
from optlib.optimizer import RuleOptimizer
from optlib.rules import AdaDeltaRule


class AdaDelta(RuleOptimizer):
    """AdaDelta (Zeiler 2012): V_t = rho V + (1-rho) g^2;
    Delta_t = sqrt(D_{t-1} + eps) / sqrt(V_t + eps) * g_t;  D_t = rho D + (1-rho) Delta_t^2;
    w <- w - lr * Delta_t  (lr = 1.0 is the paper's method)."""

    def __init__(self, learning_rate=1.0, rho=0.95, epsilon=1e-6, name=None, **kwargs):
        rho = validate.decay("rho", rho)
        epsilon = validate.epsilon(epsilon)
        super().__init__(AdaDeltaRule(rho, epsilon), learning_rate=learning_rate, name=name, **kwargs)
        self.hyperparameters = {"rho": rho, "epsilon": epsilon}
