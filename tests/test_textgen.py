"""Tests of rnncourse.textgen: temperature, top-k, sampling."""

import numpy as np
import pytest

from rnncourse import textgen


def test_temperature_one_is_the_softmax():
    logits = np.array([[1.0, -2.0, 0.5, 3.0]])  # (1, 4)
    expected = np.exp(logits) / np.exp(logits).sum()
    np.testing.assert_allclose(textgen.softmax_with_temperature(logits), expected, rtol=1e-12)


def test_temperature_agrees_with_keras_softmax():
    import keras

    logits = np.random.default_rng(0).normal(size=(3, 7))  # (3, 7)
    for t in (0.3, 1.0, 2.5):
        expected = keras.ops.convert_to_numpy(keras.ops.softmax(logits / t, axis=-1))
        np.testing.assert_allclose(textgen.softmax_with_temperature(logits, t), expected, atol=1e-6)


def test_low_temperature_sharpens_high_flattens():
    logits = np.array([2.0, 1.0, 0.0])
    cold = textgen.softmax_with_temperature(logits, 0.5)
    warm = textgen.softmax_with_temperature(logits, 1.0)
    hot = textgen.softmax_with_temperature(logits, 5.0)
    assert cold[0] > warm[0] > hot[0] > 1 / 3
    assert np.ptp(hot) < np.ptp(warm) < np.ptp(cold)


def test_zero_temperature_is_greedy_and_rows_can_differ():
    logits = np.array([[0.0, 3.0, 1.0], [5.0, 0.0, 1.0]])  # (2, 3)
    probs = textgen.softmax_with_temperature(logits, temperature=[0.0, 1.0])
    np.testing.assert_array_equal(probs[0], [0.0, 1.0, 0.0])
    np.testing.assert_allclose(probs[1], np.exp(logits[1]) / np.exp(logits[1]).sum())
    np.testing.assert_array_equal(textgen.sample_next(logits, temperature=0), [1, 0])


def test_top_k_keeps_only_the_k_largest():
    logits = np.array([0.1, 2.0, -1.0, 1.5, 0.0])
    probs = textgen.softmax_with_temperature(logits, top_k=2)
    assert np.count_nonzero(probs) == 2 and probs[1] > probs[3] > 0
    np.testing.assert_allclose(probs.sum(), 1.0)
    ids = textgen.sample_next(np.tile(logits, (500, 1)), top_k=2, rng=0)  # (500,)
    assert set(ids.tolist()) == {1, 3}


def test_sampling_follows_the_probabilities():
    p = np.array([0.5, 0.3, 0.2, 0.0])
    with np.errstate(divide="ignore"):
        logits = np.tile(np.log(p), (20_000, 1))  # (20000, 4), -inf for the last token
    ids = textgen.sample_next(logits, rng=np.random.default_rng(1))
    assert ids.shape == (20_000,) and ids.dtype == np.int64
    freq = np.bincount(ids, minlength=4) / len(ids)
    np.testing.assert_allclose(freq, p, atol=0.015)
    assert freq[3] == 0  # a token of probability 0 is never drawn


def test_sampling_is_reproducible_with_a_seed_and_handles_one_row():
    logits = np.random.default_rng(2).normal(size=(6, 10))
    a = textgen.sample_next(logits, rng=7)
    b = textgen.sample_next(logits, rng=7)
    np.testing.assert_array_equal(a, b)
    one = textgen.sample_next(logits[0], temperature=0)
    assert one.shape == () and int(one) == int(np.argmax(logits[0]))


def test_top_k_tokens_sorted_with_stable_ties():
    ids, values = textgen.top_k_tokens([[0.2, 0.5, 0.2, 0.1]], k=3)
    assert ids.tolist() == [[1, 0, 2]]
    np.testing.assert_allclose(values, [[0.5, 0.2, 0.2]])
    ids, _ = textgen.top_k_tokens([0.3, 0.7], k=10)  # k larger than the vocabulary
    assert ids.tolist() == [1, 0]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"temperature": -1.0}, "temperature"),
        ({"top_k": 0}, "top_k"),
        ({"top_k": 2.5}, "top_k"),
        ({"temperature": [1.0, 2.0, 3.0]}, "one per row"),
    ],
)
def test_bad_arguments_name_the_argument(kwargs, match):
    with pytest.raises(ValueError, match=match):
        textgen.softmax_with_temperature(np.zeros((2, 4)), **kwargs)


def test_bad_logits_are_rejected():
    with pytest.raises(ValueError, match="NaN"):
        textgen.sample_next([0.0, np.nan])
    with pytest.raises(ValueError, match="shape"):
        textgen.softmax_with_temperature(3.0)
    with pytest.raises(ValueError, match="k must be"):
        textgen.top_k_tokens([0.1, 0.9], k=0)


def _brute_force_kneser_ney(ids, order, vocab_size, context, target):
    """Interpolated Kneser-Ney from its definition, with dictionaries and loops."""
    from collections import Counter

    def counts(k, top):
        grams = Counter(tuple(ids[i : i + k]) for i in range(len(ids) - k + 1))
        if top:
            return grams
        longer = {tuple(ids[i : i + k + 1]) for i in range(len(ids) - k)}
        return Counter(g[1:] for g in longer)

    p = 1.0 / vocab_size
    for k in range(1, order + 1):
        n = counts(k, top=k == order)
        ones, twos = sum(v == 1 for v in n.values()), sum(v == 2 for v in n.values())
        d = ones / (ones + 2 * twos) if ones else 0.5
        ctx = tuple(context[len(context) - (k - 1) :]) if k > 1 else ()
        total = sum(v for g, v in n.items() if g[:-1] == ctx)
        distinct = sum(1 for g in n if g[:-1] == ctx)
        if total:
            p = max(n.get(ctx + (target,), 0) - d, 0) / total + d * distinct / total * p
    return p


def test_kneser_ney_matches_its_definition():
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 5, size=300) * (rng.random(300) < 0.8)  # (300,), id 0 more frequent
    contexts = rng.integers(0, 6, size=(40, 3))  # id 5 never occurs in training
    targets = rng.integers(0, 6, size=40)
    model = textgen.KneserNey(ids, order=4, vocab_size=6)
    for order in (1, 2, 3, 4):
        got = np.exp(model.log_prob(contexts, targets, order=order))
        expected = [
            _brute_force_kneser_ney(ids.tolist(), order, 6, c.tolist(), t)
            for c, t in zip(contexts, targets, strict=True)
        ]
        np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_kneser_ney_is_a_distribution_even_for_unseen_contexts():
    ids = np.random.default_rng(1).integers(0, 4, size=500)  # ids 4..6 never occur
    model = textgen.KneserNey(ids, order=3, vocab_size=7)
    contexts = np.array([[0, 1], [3, 3], [5, 6]])  # the last one was never seen
    for context in contexts:
        p = np.exp(model.log_prob(np.tile(context, (7, 1)), np.arange(7)))  # (7,)
        assert np.isclose(p.sum(), 1.0) and (p > 0).all()


def test_kneser_ney_learns_a_simple_rule_and_counts_what_it_stores():
    rng = np.random.default_rng(2)
    text = np.cumsum(rng.integers(1, 3, size=20_000)) % 9  # (20000,): steps of 1 or 2 modulo 9
    train, test = text[:15_000], text[15_000:]
    model = textgen.KneserNey(train, order=3, vocab_size=9)
    contexts = np.stack([test[:-2], test[1:-1]], axis=1)  # (n, 2)
    nats = -model.log_prob(contexts, test[2:]).mean()
    assert nats < np.log(2) + 0.05  # the next id is one of two, each about as likely
    assert model.stored_counts(1) == 9 and model.stored_counts() > model.stored_counts(2)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (([0, 1], 0, 2), "order"),
        (([0, 1], 2, 0), "vocab_size"),
        (([0, 5], 1, 3), r"\[0, 3\)"),
        (([0], 2, 3), "at least"),
        (([0, 1], 40, 73), "int64"),
    ],
)
def test_kneser_ney_rejects_bad_arguments(args, match):
    with pytest.raises(ValueError, match=match):
        textgen.KneserNey(*args)


@pytest.mark.parametrize("vocab_size", [2_100, 70_000])  # 2100**2 > 2**22; 70000**3 > 2**32
def test_kneser_ney_with_a_large_vocabulary_counts_by_sorting(vocab_size):
    rng = np.random.default_rng(3)
    ids = rng.integers(0, 40, size=400) * (
        vocab_size // 40
    )  # (400,) 40 distinct, widely spread ids
    contexts = ids[rng.integers(0, 400, size=(20, 2))]  # (20, 2)
    targets = ids[rng.integers(0, 400, size=20)]  # (20,)
    model = textgen.KneserNey(ids, order=3, vocab_size=vocab_size)
    for order in (2, 3):
        got = np.exp(model.log_prob(contexts, targets, order=order))
        expected = [
            _brute_force_kneser_ney(ids.tolist(), order, vocab_size, c.tolist(), t)
            for c, t in zip(contexts, targets, strict=True)
        ]
        np.testing.assert_allclose(got, expected, rtol=1e-12)


def _vocab():
    from rnncourse import data

    return data.Vocabulary.from_texts(["abcx"], level="char")


def _rigged_model(vocab, favourite, reserved_bias=0.0):
    """Embedding -> GRU -> Dense whose logits always favour one character."""
    import keras

    model = keras.Sequential(
        [
            keras.Input((None,), dtype="int32"),
            keras.layers.Embedding(len(vocab), 4),
            keras.layers.GRU(4, return_sequences=True),
            keras.layers.Dense(len(vocab)),
        ]
    )
    dense = model.layers[-1]
    bias = np.zeros(len(vocab), dtype="float32")
    bias[vocab.encode(favourite)[0]] = 20.0
    bias[0] = reserved_bias  # id 0 is padding: never sampled however likely
    dense.set_weights([np.zeros_like(dense.get_weights()[0]), bias])
    return model


def test_sample_text_follows_a_keras_model_and_skips_reserved_ids():
    vocab = _vocab()
    model = _rigged_model(vocab, "x", reserved_bias=50.0)  # padding is likelier still
    assert textgen.sample_text(model, vocab, "ab", 4, temperature=1.0, rng=0) == "abxxxx"


def test_sample_text_reads_the_whole_text_so_far():
    vocab = _vocab()
    seen = []

    def model(ids):  # (1, time) -> (1, time, vocab); favours the id after the one read
        seen.append(ids.copy())
        logits = np.zeros(ids.shape + (len(vocab),))
        following = np.where(ids + 1 < len(vocab), ids + 1, len(vocab.RESERVED))  # (1, time)
        np.put_along_axis(logits, following[..., None], 30.0, axis=-1)
        return logits

    first = len(vocab.RESERVED)  # the first real character's id
    out = textgen.sample_text(model, vocab, vocab.id_to_token(first), 3, temperature=0)
    assert out == vocab.decode(np.arange(first, first + 4))
    # one fixed shape: the text written so far, then padding (id 0)
    expected = [[first, 0, 0, 0], [first, first + 1, 0, 0], [first, first + 1, first + 2, 0]]
    assert [ids[0].tolist() for ids in seen] == expected


def test_sample_text_with_padding_equals_reading_the_text_alone():
    """The padding after the text changes nothing a causal model has read."""
    import keras

    vocab = _vocab()
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((None,), dtype="int32"),
            keras.layers.Embedding(len(vocab), 8),
            keras.layers.GRU(8, return_sequences=True),
            keras.layers.Dense(len(vocab)),
        ]
    )

    def unpadded(ids):  # reads only the tokens written so far: the plain loop
        n = int((ids[0] != 0).sum())
        logits = np.zeros(ids.shape + (len(vocab),))
        logits[:, :n] = keras.ops.convert_to_numpy(model(ids[:, :n]))
        return logits

    for seed in range(3):
        padded = textgen.sample_text(model, vocab, "ab", 12, rng=seed)
        assert padded == textgen.sample_text(unpadded, vocab, "ab", 12, rng=seed)


def test_sample_text_is_reproducible_with_a_seed():
    vocab = _vocab()

    def uniform(ids):
        return np.zeros(ids.shape + (len(vocab),))

    texts = [textgen.sample_text(uniform, vocab, "a", 30, rng=seed) for seed in (3, 3, 4)]
    assert texts[0] == texts[1] != texts[2]
    assert set(texts[0][1:]) <= set("abcx")  # only real characters, never reserved ids


def test_sample_text_prints_one_sample_per_epoch_from_a_callback(capsys):
    import keras

    vocab = _vocab()
    model = _rigged_model(vocab, "c")
    model.compile(
        optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    )
    show = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: print(
            f"epoch {epoch + 1}:", textgen.sample_text(model, vocab, "a", 5, rng=epoch)
        )
    )
    ids = vocab.encode("abcx" * 4)[None]  # (1, 16)
    model.fit(ids, ids, epochs=2, verbose=0, callbacks=[show])
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["epoch 1", "epoch 2"]
    assert all(len(line.split(": ", 1)[1]) == 6 for line in lines)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"prompt": ""}, "prompt"),
        ({"n_tokens": 0}, "n_tokens"),
        ({"rng": -1}, "rng"),
        ({"model": lambda ids: np.zeros((1, 4))}, "logits of shape"),
    ],
)
def test_sample_text_rejects_bad_arguments(kwargs, match):
    vocab = _vocab()
    args = {
        "model": lambda ids: np.zeros(ids.shape + (len(vocab),)),
        "vocab": vocab,
        "prompt": "a",
        "n_tokens": 2,
    }
    with pytest.raises(ValueError, match=match):
        textgen.sample_text(**{**args, **kwargs})
