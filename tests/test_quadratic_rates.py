"""optlib.quadratic_rates: the spectral radius of one SGDM / NAG step predicts how fast
optlib.surfaces.path converges on the quadratic bowl, and where it diverges."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

import optlib
from optlib import quadratic_rates as Q
from optlib import surfaces as S


def distances(method, lr, beta, steps):
    points = S.path(
        optlib.OPTIMIZERS[method](lr, beta=beta), S.QUADRATIC, steps=steps
    )
    return np.hypot(points[:, 0], points[:, 1])


def measured_rate(d, k, window):
    """(envelope now / envelope k steps earlier)^(1/k); the envelope is the largest
    distance over the last ``window`` steps, which smooths out the spiral's swings."""
    late = d[len(d) - window :].max()
    early = d[len(d) - k - window : len(d) - k].max()
    return (late / early) ** (1.0 / k)


def test_the_quadratic_has_curvatures_0_2_and_4():
    np.testing.assert_allclose(
        Q.hessian_eigenvalues(S.QUADRATIC), [0.2, 4.0], rtol=1e-12
    )
    with pytest.raises(ValueError, match="not a quadratic"):
        Q.hessian_eigenvalues(S.ROSENBROCK)


@pytest.mark.parametrize("method", Q.METHODS)
def test_closed_form_radius_is_the_largest_eigenvalue_modulus(method):
    rng = np.random.default_rng(0)
    h, beta = rng.uniform(0, 40, 500), rng.uniform(0, 0.99, 500)
    eigenvalues = np.linalg.eigvals(Q.iteration_matrix(method, h, beta))
    np.testing.assert_allclose(
        Q.spectral_radius(method, h, beta),
        np.abs(eigenvalues).max(-1),
        rtol=1e-9,
    )


def test_iteration_matrix_is_one_step_of_optlib_s_update():
    lr, beta, lam = 0.7, 0.8, 4.0  # one direction: g = lam * w
    for method in Q.METHODS:
        w, m = 1.3, -0.4
        m_new = beta * m + (1 - beta) * lam * w
        step = (
            beta * m_new + (1 - beta) * lam * w if method == "NAG" else m_new
        )
        expected = [w - lr * step, lr * m_new]
        got = Q.iteration_matrix(method, lr * lam, beta) @ [w, lr * m]
        np.testing.assert_allclose(got, expected, rtol=1e-12)


@pytest.mark.parametrize("method", Q.METHODS)
def test_stability_limit_is_where_the_radius_reaches_1(method):
    beta = np.linspace(0.0, 0.98, 50)
    limit = Q.stability_limit(method, beta)
    assert np.all(Q.spectral_radius(method, limit * (1 - 1e-6), beta) < 1)
    assert np.all(Q.spectral_radius(method, limit * (1 + 1e-6), beta) > 1)
    assert Q.stability_limit(method, 0.9) == pytest.approx(
        38.0 if method == "SGDM" else 13.5714,
        rel=1e-4,  # chapter 5's table
    )


@pytest.mark.parametrize(
    ("method", "lr", "beta", "steps", "window"),
    [
        (
            "SGDM",
            0.4,
            0.9,
            600,
            100,
        ),  # chapter 5: complex roots, rho = sqrt(beta)
        ("NAG", 3.0, 0.9, 400, 100),  # chapter 5's lr SGD cannot use
        ("SGDM", 1.12, 0.403, 120, 20),  # near Polyak's tuning
        ("NAG", 0.5, 0.5, 120, 20),
    ],
)
def test_paths_contract_at_the_predicted_rate(method, lr, beta, steps, window):
    predicted = Q.rate_map(method, [lr], [beta]).radius[0, 0]
    d = distances(method, lr, beta, steps)
    assert (
        1e-30 < d[-1] < 1e-5
    )  # converged, and far above float32's smallest numbers
    assert measured_rate(d, steps // 2, window) == pytest.approx(
        predicted, rel=5e-3
    )


@pytest.mark.parametrize(
    ("method", "lr", "beta"), [("SGDM", 1.6, 0.5), ("NAG", 1.0, 0.5)]
)
def test_a_predicted_divergent_cell_diverges(method, lr, beta):
    predicted = Q.rate_map(method, [lr], [beta]).radius[0, 0]
    assert predicted > 1.2 and Q.rate_map(method, [lr], [beta]).diverges[0, 0]
    d = distances(method, lr, beta, 40)
    assert d[-1] > 1e3 * d[0]
    assert measured_rate(d, 20, 1) == pytest.approx(predicted, rel=5e-3)


def test_sgdm_optimum_is_polyak_s_heavy_ball():
    rates = Q.rate_map(
        "SGDM", np.geomspace(0.5, 2.0, 301), np.linspace(0.2, 0.6, 401)
    )
    lr, beta, radius = rates.best
    kappa = 4.0 / 0.2
    mu = ((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)) ** 2
    alpha = (
        4.0 / (np.sqrt(4.0) + np.sqrt(0.2)) ** 2
    )  # heavy ball: lr = alpha / (1 - beta)
    assert radius == pytest.approx(np.sqrt(mu), abs=2e-3)
    assert beta == pytest.approx(mu, abs=5e-3)
    assert lr == pytest.approx(alpha / (1 - mu), rel=1e-2)


def test_rate_map_shape_and_plot():
    rates = Q.rate_map(
        "NAG", np.geomspace(0.01, 30, 40), np.linspace(0, 0.99, 30)
    )
    assert (
        rates.radius.shape == (30, 40)
        and rates.diverges.any()
        and not rates.diverges.all()
    )
    ax = Q.plot_rate_map(rates)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0].startswith("diverges") and labels[1].startswith("fastest")
    (star,) = [line for line in ax.get_lines() if line.get_marker() == "*"]
    np.testing.assert_allclose(star.get_xydata(), [rates.best[:2]])
    assert ax.get_xscale() == "log"
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="method"):
        Q.rate_map("Adam")
