"""Coding exercises of notebook 06 (text generation): temperature sampling, then perplexity."""

import numpy as np

from rnncourse.exercises._coding import Mistake, coding_exercise

__all__ = []


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _inverse_cdf(probs, u):
    return (np.cumsum(probs, axis=-1) <= u[:, None]).sum(axis=-1)


def _sample_cases(rng):
    cases = []
    for description, batch, vocab, scale, temperature in [
        ("batch 8, 6 tokens, temperatures from 0.3 to 2", 8, 6, 2.0, None),
        ("one row, two tokens, temperature 1 (the model's own distribution)", 1, 2, 1.5, 1.0),
        (
            "batch 3, 10 tokens, cold (0.05) with large logits: stable softmax needed",
            3,
            10,
            40.0,
            0.05,
        ),
        ("batch 6, 8 tokens, hot (3.0)", 6, 8, 3.0, 3.0),
    ]:
        logits = rng.normal(0, scale, (batch, vocab))  # (batch, vocab)
        if temperature is None:
            temps = rng.uniform(0.3, 2.0, batch)  # (batch,): one temperature per row
        else:
            temps = np.full(batch, temperature)  # (batch,)
        # one draw in each of `batch` equal slices of [0, 1], in random order: spread out
        u = rng.permutation((np.arange(batch) + rng.uniform(0.05, 0.95, batch)) / batch)
        cases.append((description, {"logits": logits, "temperature": temps, "u": u}))
    tied = np.full((3, 5), 1.7)  # (3, 5): every token equally likely, whatever the temperature
    cases.append(
        (
            "batch 3, 5 tokens, all logits equal",
            {
                "logits": tied,
                "temperature": np.array([0.5, 1.0, 2.0]),
                "u": np.array([0.1, 0.5, 0.9]),
            },
        )
    )
    return cases


def _sample_keras(logits, temperature, u):
    import keras

    probs = keras.ops.softmax(logits / temperature[:, None], axis=-1)  # (batch, vocab)
    below = keras.ops.cumsum(probs, axis=-1) <= u[:, None]  # (batch, vocab)
    ids = keras.ops.sum(keras.ops.cast(below, "int32"), axis=-1)  # (batch,)
    return keras.ops.convert_to_numpy(probs), keras.ops.convert_to_numpy(ids)


def _sample_loop(logits, temperature, u):
    probs = np.zeros_like(logits)
    ids = np.zeros(len(logits), dtype="int64")
    for i, (z, t) in enumerate(zip(logits, temperature, strict=True)):
        w = np.exp((z - z.max()) / t)  # (vocab,)
        probs[i] = w / w.sum()
        total = 0.0
        for k, p in enumerate(probs[i]):
            total += p
            if total > u[i]:
                ids[i] = k
                break
    return probs, ids


@coding_exercise(
    "06.sample_temperature",
    "Write sample_with_temperature(logits, temperature, u): the probabilities after "
    "temperature, softmax(z / T) row by row, and the token each row samples with the "
    "uniform draw u (the first token whose cumulative probability exceeds u).",
    cases=_sample_cases,
    hints=(
        "Temperature reshapes the logits before they become probabilities: every row is divided "
        "by its own T, then normalised. To sample with a given uniform number u, lay the "
        "probabilities end to end on [0, 1] and pick the token whose piece contains u.",
        "probs: subtract each row's max from logits / temperature[:, None] (so np.exp cannot "
        "overflow at a low T), np.exp, divide by the row sums. ids: np.cumsum(probs, axis=-1) "
        "<= u[:, None] counts the tokens that lie entirely below u; .sum(axis=-1) is the id.",
    ),
    alternatives=(_sample_keras, _sample_loop),
    mistakes=(
        Mistake(
            "the logits are multiplied by T: divide them by the temperature, z / T.",
            lambda logits, temperature, u: (
                _softmax(logits * temperature[:, None]),
                _inverse_cdf(_softmax(logits * temperature[:, None]), u),
            ),
        ),
        Mistake(
            "the temperature is ignored: softmax(z / T), not softmax(z).",
            lambda logits, temperature, u: (
                _softmax(logits),
                _inverse_cdf(_softmax(logits), u),
            ),
        ),
        Mistake(
            "the probabilities are divided by T after the softmax: divide the logits, before it "
            "(the probabilities must still sum to 1).",
            lambda logits, temperature, u: (
                _softmax(logits) / temperature[:, None],
                _inverse_cdf(_softmax(logits) / temperature[:, None], u),
            ),
        ),
        Mistake(
            "the probabilities are right but the token is the most likely one (greedy): "
            "sample with u through the cumulative probabilities.",
            lambda logits, temperature, u: (
                _softmax(logits / temperature[:, None]),
                _softmax(logits / temperature[:, None]).argmax(axis=-1),
            ),
        ),
        Mistake(
            "the probabilities are right but the token is sampled from the untempered "
            "distribution: use the tempered probabilities for the draw too.",
            lambda logits, temperature, u: (
                _softmax(logits / temperature[:, None]),
                _inverse_cdf(_softmax(logits), u),
            ),
        ),
    ),
)
def sample_with_temperature(logits, temperature, u):
    """logits (batch, vocab), temperature and u (batch,) -> probs (batch, vocab), ids (batch,)."""
    z = logits / temperature[:, None]  # (batch, vocab)
    z = z - z.max(
        axis=-1, keepdims=True
    )  # (batch, vocab): the largest is 0, so exp cannot overflow
    probs = np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)  # (batch, vocab)
    ids = (np.cumsum(probs, axis=-1) <= u[:, None]).sum(axis=-1)  # (batch,)
    return probs, ids


def _perplexity_cases(rng):
    cases = []
    for description, batch, steps, vocab, lengths in [
        ("batch 3, 7 steps, 5 tokens, different lengths", 3, 7, 5, [7, 4, 2]),
        ("one sequence of one step", 1, 1, 4, [1]),
        ("batch 4, 6 steps, 9 tokens, no padding", 4, 6, 9, [6, 6, 6, 6]),
        ("batch 2, 10 steps, 3 tokens, one row mostly padding", 2, 10, 3, [10, 1]),
    ]:
        mask = (np.arange(steps) < np.array(lengths)[:, None]).astype("float64")  # (batch, steps)
        targets = rng.integers(0, vocab, (batch, steps))  # (batch, steps)
        cases.append(
            (
                description,
                {
                    "logits": rng.normal(0, 2.0, (batch, steps, vocab)),  # (batch, steps, vocab)
                    "targets": targets,
                    "mask": mask,
                },
            )
        )
    return cases


def _log_softmax(z):
    z = z - z.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def _target_log_probs(logits, targets):
    return np.take_along_axis(_log_softmax(logits), targets[..., None], axis=-1)[..., 0]


def _perplexity_keras(logits, targets, mask):
    import keras

    logits = keras.ops.convert_to_tensor(logits, "float32")  # (batch, steps, vocab)
    mask = keras.ops.convert_to_tensor(mask, "float32")  # (batch, steps)
    log_p = keras.ops.log_softmax(logits, axis=-1)  # (batch, steps, vocab)
    one_hot = keras.ops.one_hot(targets, logits.shape[-1])  # (batch, steps, vocab)
    surprise = -keras.ops.sum(log_p * one_hot, axis=-1)  # (batch, steps)
    nats = keras.ops.sum(surprise * mask) / keras.ops.sum(mask)
    return float(nats), float(keras.ops.exp(nats))


def _perplexity_padding_counted(logits, targets, mask):
    nats = -_target_log_probs(logits, targets).mean()
    return nats, np.exp(nats)


def _perplexity_no_log_softmax(logits, targets, mask):
    picked = np.take_along_axis(logits, targets[..., None], axis=-1)[..., 0]
    nats = -(picked * mask).sum() / mask.sum()
    return nats, np.exp(nats)


def _perplexity_per_sequence(logits, targets, mask):
    per_row = -(_target_log_probs(logits, targets) * mask).sum(axis=1) / mask.sum(axis=1)
    nats = per_row.mean()
    return nats, np.exp(nats)


def _perplexity_bits(logits, targets, mask):
    bits = -(_target_log_probs(logits, targets) * mask).sum() / mask.sum() / np.log(2)
    return bits, 2**bits


def _perplexity_divided_by_steps(logits, targets, mask):
    nats = -(_target_log_probs(logits, targets) * mask).sum() / mask.size
    return nats, np.exp(nats)


@coding_exercise(
    "06.perplexity_masked",
    "Write perplexity(logits, targets, mask): the cross-entropy in nats per token over the "
    "real (unmasked) positions of a padded batch, and the perplexity e**CE.",
    cases=_perplexity_cases,
    hints=(
        "The cross-entropy is the average surprise -ln p of the token that actually came next, "
        "averaged over every real token of the batch (each token counts once, padding not at "
        "all); the perplexity is e to that power.",
        "log-probabilities: logits minus their max, minus the log of the row's sum of exp (or "
        "keras.ops.log_softmax). Pick each target's with np.take_along_axis(log_p, "
        "targets[..., None], axis=-1)[..., 0], multiply by mask, sum, divide by mask.sum().",
    ),
    alternatives=(_perplexity_keras,),
    mistakes=(
        Mistake(
            "the padding is counted: average over the real tokens only (multiply by mask and "
            "divide by mask.sum()).",
            _perplexity_padding_counted,
        ),
        Mistake(
            "the raw logits are used as log-probabilities: take the log-softmax first.",
            _perplexity_no_log_softmax,
        ),
        Mistake(
            "each sequence is averaged first, then the sequences: that weighs a short sequence's "
            "tokens more. Average over all real tokens of the batch at once.",
            _perplexity_per_sequence,
        ),
        Mistake(
            "this is in bits (log base 2): the cross-entropy asked for is in nats (natural log).",
            _perplexity_bits,
        ),
        Mistake(
            "the padding is zeroed but the sum is divided by every position: divide by the "
            "number of real tokens, mask.sum().",
            _perplexity_divided_by_steps,
        ),
    ),
    rtol=1e-4,
    atol=1e-5,
)
def perplexity(logits, targets, mask):
    """logits (batch, steps, vocab), targets, mask (batch, steps) -> (nats, perplexity)."""
    z = logits - logits.max(axis=-1, keepdims=True)  # (batch, steps, vocab)
    log_p = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))  # (batch, steps, vocab): log-softmax
    target_log_p = np.take_along_axis(log_p, targets[..., None], axis=-1)[..., 0]  # (batch, steps)
    nats = -(target_log_p * mask).sum() / mask.sum()  # average over the real tokens only
    return nats, np.exp(nats)
