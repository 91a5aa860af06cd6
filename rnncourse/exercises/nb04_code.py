"""Coding exercises of notebook 04 (gradient problems): the gradient's norm at every step back
through a tanh RNN, then clipping by the global norm (what ``global_clipnorm`` does)."""

import numpy as np

from rnncourse.exercises._coding import Mistake, coding_exercise

__all__ = []


# --------------------------------------------------------------------------- 04.gradient_norms
def _norm_cases(rng):
    cases = []
    for description, batch, steps, units, gain, x_scale in [
        ("batch 4, 6 steps, 3 units", 4, 6, 3, 1.0, 1.0),
        ("a single time step", 3, 1, 4, 1.0, 1.0),
        ("one example, 10 steps, 5 units, tiny inputs (tanh linear)", 1, 10, 5, 0.9, 1e-3),
        ("batch 5, 8 steps, 4 units, large U (saturated tanh)", 5, 8, 4, 1.5, 1.0),
    ]:
        q, _ = np.linalg.qr(rng.normal(size=(units, units)))
        U = gain * q if x_scale < 1 else rng.normal(0, gain / units**0.5, (units, units))
        W = rng.normal(0, 1.0, (2, units))  # (features, units)
        x = x_scale * rng.normal(size=(batch, steps, 2))  # (batch, time, features)
        h = np.zeros((batch, steps, units))  # (batch, time, units)
        state = np.zeros((batch, units))
        for t in range(steps):
            state = np.tanh(x[:, t] @ W + state @ U)
            h[:, t] = state
        cases.append((description, {"h": h, "U": U, "dh_last": rng.normal(size=(batch, units))}))
    return cases


def _norms(h, U, dh_last, *, slope="h_t", u_t=True, per_example=True, reverse=False):
    steps = h.shape[1]
    norms = np.zeros(steps)
    g = dh_last
    for t in reversed(range(steps)):
        norms[t] = np.linalg.norm(g, axis=1).mean() if per_example else np.linalg.norm(g)
        if slope == "h_t":
            s = 1 - h[:, t] ** 2
        elif slope == "none":
            s = 1.0
        else:  # the previous state's slope
            s = 1 - h[:, t - 1] ** 2 if t > 0 else 1.0
        g = (g * s) @ (U.T if u_t else U)
    return norms[::-1] if reverse else norms


def _norms_listed(h, U, dh_last):
    grads = [dh_last]  # dL/dh_t from the last step back, each (batch, units)
    for t in range(h.shape[1] - 1, 0, -1):
        grads.append(np.einsum("bu,vu->bv", grads[-1] * (1 - h[:, t] ** 2), U))
    return np.array([np.sqrt((g**2).sum(axis=1)).mean() for g in grads[::-1]])


@coding_exercise(
    "04.gradient_norms",
    "Write gradient_norms(h, U, dh_last): carry dL/dh from the last step of a tanh RNN back "
    "to the first and return, for every step t, the batch mean of ||dL/dh_t||, shape (time,).",
    cases=_norm_cases,
    hints=(
        "Start from the gradient at the last step and take one step back at a time, as in "
        "section 1's formula: through the tanh of the step you are leaving, then through the "
        "recurrent matrix. Record the norm at each step before stepping back; each example "
        "has its own gradient vector, so take one norm per example and then average.",
        "g = dh_last; norms = np.zeros(h.shape[1]); for t in reversed(range(h.shape[1])): "
        "norms[t] = np.linalg.norm(g, axis=1).mean(); g = (g * (1 - h[:, t] ** 2)) @ U.T. "
        "norms[0] is the first step, the one furthest from the loss.",
    ),
    alternatives=(_norms_listed,),
    mistakes=(
        Mistake(
            "tanh's slope is missing: each step back multiplies by (1 - h_t**2) before U.T, "
            "which is what makes saturated units lose the gradient.",
            lambda h, U, dh_last: _norms(h, U, dh_last, slope="none"),
        ),
        Mistake(
            "U is used untransposed: forwards the state is multiplied as h_{t-1} @ U, so going "
            "back the gradient is multiplied by U.T.",
            lambda h, U, dh_last: _norms(h, U, dh_last, u_t=False),
        ),
        Mistake(
            "the slope is taken at the wrong step: leaving step t backwards goes through "
            "tanh at step t, 1 - h[:, t]**2, not at step t - 1.",
            lambda h, U, dh_last: _norms(h, U, dh_last, slope="previous"),
        ),
        Mistake(
            "the norm is taken over the whole batch at once: take each example's norm "
            "(axis=1), then the mean over the batch.",
            lambda h, U, dh_last: _norms(h, U, dh_last, per_example=False),
        ),
        Mistake(
            "the norms are in reverse order: index t must be step t, so norms[0] is the first "
            "step (furthest from the loss) and norms[-1] the last.",
            lambda h, U, dh_last: _norms(h, U, dh_last, reverse=True),
        ),
    ),
)
def gradient_norms(h, U, dh_last):
    """h (batch, time, units), U (units, units), dh_last (batch, units) -> norms (time,)."""
    g = dh_last  # (batch, units): dL/dh at the last step
    norms = np.zeros(h.shape[1])  # (time,)
    for t in reversed(range(h.shape[1])):
        norms[t] = np.linalg.norm(g, axis=1).mean()  # mean over the batch of ||dL/dh_t||
        g = (g * (1 - h[:, t] ** 2)) @ U.T  # (batch, units): one step back, to h_{t-1}
    return norms


# --------------------------------------------------------------------------- 04.clip_by_global_norm
def _clip_cases(rng):
    cases = []
    for description, features, units, size, clip_norm in [
        ("3 features, 4 units, global norm above clip_norm", 3, 4, 2.0, 1.0),
        ("global norm below clip_norm: nothing changes", 2, 3, 0.05, 1.0),
        ("one unit, one feature, an exploding gradient (1e6)", 1, 1, 1e6, 5.0),
        ("2 features, 5 units, all-zero gradients", 2, 5, 0.0, 1.0),
        ("4 features, 2 units, clip_norm 0.5", 4, 2, 1.0, 0.5),
    ]:
        cases.append(
            (
                description,
                {
                    "grad_kernel": size * rng.normal(size=(features, units)),
                    "grad_recurrent": size * rng.normal(size=(units, units)),
                    "grad_bias": size * rng.normal(size=(units,)),
                    "clip_norm": clip_norm,
                },
            )
        )
    return cases


def _clip(grad_kernel, grad_recurrent, grad_bias, clip_norm, *, how="global"):
    grads = (grad_kernel, grad_recurrent, grad_bias)
    norms = [np.sqrt(np.sum(g**2)) for g in grads]
    if how == "value":
        return tuple(np.clip(g, -clip_norm, clip_norm) for g in grads)
    if how == "each":
        return tuple(g * clip_norm / max(n, clip_norm) for g, n in zip(grads, norms, strict=True))
    norm = sum(norms) if how == "sum" else np.sqrt(sum(n**2 for n in norms))
    if how == "always":
        return tuple(g * clip_norm / norm if norm > 0 else g for g in grads)
    return tuple(g * clip_norm / max(norm, clip_norm) for g in grads)


def _clip_with_tf(grad_kernel, grad_recurrent, grad_bias, clip_norm):
    import tensorflow as tf

    clipped, _ = tf.clip_by_global_norm([grad_kernel, grad_recurrent, grad_bias], clip_norm)
    return tuple(g.numpy() for g in clipped)


@coding_exercise(
    "04.clip_by_global_norm",
    "Write clip_by_global_norm(grad_kernel, grad_recurrent, grad_bias, clip_norm): scale a "
    "SimpleRNN's three gradients together so that their global norm is at most clip_norm, "
    "as global_clipnorm does; return the three clipped gradients.",
    cases=_clip_cases,
    hints=(
        "Treat the three gradients as one long vector: its length is the global norm. If it "
        "is longer than clip_norm, shrink every gradient by the SAME factor, so the direction "
        "of the whole step is kept; if not, leave them alone.",
        "norm = np.sqrt(np.sum(grad_kernel ** 2) + np.sum(grad_recurrent ** 2) + "
        "np.sum(grad_bias ** 2)); scale = clip_norm / max(norm, clip_norm) (which is 1 when the "
        "norm is small and never divides by zero); return each gradient times scale.",
    ),
    alternatives=(_clip_with_tf,),
    mistakes=(
        Mistake(
            "each gradient is clipped by its own norm (that is clipnorm): global clipping "
            "uses ONE norm over all three together, so the step keeps its direction.",
            lambda **kw: _clip(**kw, how="each"),
        ),
        Mistake(
            "the entries are clipped one by one to [-clip_norm, clip_norm] (that is "
            "clipvalue): scale the gradients instead, by one common factor.",
            lambda **kw: _clip(**kw, how="value"),
        ),
        Mistake(
            "the global norm is the square root of the sum of ALL squared entries, not the "
            "sum of the three gradients' norms.",
            lambda **kw: _clip(**kw, how="sum"),
        ),
        Mistake(
            "gradients whose global norm is already within clip_norm are scaled up: clipping "
            "only ever shrinks, so leave them unchanged.",
            lambda **kw: _clip(**kw, how="always"),
        ),
    ),
)
def clip_by_global_norm(grad_kernel, grad_recurrent, grad_bias, clip_norm):
    """(features, units), (units, units), (units,) gradients -> the same three, clipped."""
    norm = np.sqrt(np.sum(grad_kernel**2) + np.sum(grad_recurrent**2) + np.sum(grad_bias**2))
    scale = clip_norm / max(norm, clip_norm)  # 1 when the global norm is within clip_norm
    return grad_kernel * scale, grad_recurrent * scale, grad_bias * scale
