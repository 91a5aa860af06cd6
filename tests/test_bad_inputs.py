"""A learner's mistakes get a clear error, never a quiet wrong answer.

Property-based, per family of argument: Hypothesis draws bad values (wrong
ranks and sizes, floats where ids are due, NaN and infinity, misspelt options,
bools where numbers are due) and each must raise the right exception with a
message that names the argument. The opposite property holds too: valid values
given as NumPy scalars (``np.int64`` from a grid, ``np.float32`` from a model)
are accepted and give the same result as Python numbers. Examples are
derandomised, so every run tries the same cases.
"""

import re

import keras
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from rnncourse import (
    baselines,
    bptt,
    cells,
    check_outcome,
    checks,
    ctc,
    data,
    forecast,
    layers,
    plotting,
    seq2seq,
    tasks,
    textgen,
)

fast = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
keras_calls = settings(fast, max_examples=12)


def raises_naming(name, call, error=ValueError):
    """Call ``call()``; it must raise ``error`` whose message names ``name``."""
    with pytest.raises(error) as info:
        call()
    message = str(info.value).split("Arguments received by")[0]  # Keras lists every argument
    assert re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", message), (name, message)
    return message


# -- integers ------------------------------------------------------------------------
VOCAB = data.Vocabulary.from_texts(["to be or not to be"], level="word")
TABLE = np.log(
    np.array(
        [
            [1e-9, 0.6, 0.4, 1e-9],
            [1e-9, 1e-9, 0.45, 0.55],
            [1e-9, 1e-9, 1e-9, 1.0],
            [1.0, 1e-9, 1e-9, 1e-9],
        ]
    )
)


def table_step(tokens, states):
    return TABLE[tokens], states


DECODE = dict(start_id=0, end_id=3, max_length=3)

# name, smallest valid value, largest valid value (None: no bound), call with that value.
INTEGER_ARGUMENTS = [
    ("n", 1, None, lambda v: tasks.adding_problem(v, 6, seed=0)),
    ("length", 2, None, lambda v: tasks.adding_problem(2, v, seed=0)),
    ("n_symbols", 2, None, lambda v: tasks.recall_task(2, 5, n_symbols=v, seed=0)),
    ("position", -5, 4, lambda v: tasks.recall_task(2, 5, position=v, seed=0)),
    ("delay", 1, None, lambda v: tasks.copy_task(2, delay=v, seed=0)),
    ("seed", 0, None, lambda v: tasks.copy_task(2, seed=v)),
    ("input_width", 1, 30, lambda v: data.make_windows(np.arange(40.0), v)),
    ("horizon", 1, None, lambda v: forecast.persistence_forecast(np.ones((3, 4)), v)),
    ("season", 1, 4, lambda v: forecast.seasonal_naive_forecast(np.ones((3, 4)), v, 2)),
    ("column", -2, 1, lambda v: forecast.persistence_forecast(np.ones((3, 4, 2)), 1, column=v)),
    ("maxlen", 0, None, lambda v: data.pad_sequences([[1, 2]], maxlen=v)),
    ("min_count", 1, None, lambda v: data.Vocabulary.from_texts(["ab"], min_count=v)),
    ("index", 0, len(VOCAB) - 1, lambda v: VOCAB.id_to_token(v)),
    ("k", 1, None, lambda v: textgen.top_k_tokens([0.1, 0.6, 0.3], v)),
    ("top_k", 1, None, lambda v: textgen.softmax_with_temperature([1.0, 2.0], top_k=v)),
    (
        "order",
        1,
        None,
        lambda v: textgen.KneserNey([0, 1, 2, 0, 1, 2, 0, 1], order=v, vocab_size=3),
    ),
    ("n_states", 2, None, lambda v: baselines.MarkovTable([0, 1, 1, 0], 1, n_states=v)),
    ("max_iter", 1, None, lambda v: baselines.LogisticRegression(max_iter=v)),
    (
        "batch_size",
        1,
        None,
        lambda v: baselines.nearest_neighbour([[0.0]], [0], [[1.0]], batch_size=v),
    ),
    (
        "max_length",
        1,
        None,
        lambda v: seq2seq.greedy_decode(
            table_step, np.zeros((1, 1)), start_id=0, end_id=3, max_length=v
        ),
    ),
    (
        "beam_width",
        1,
        None,
        lambda v: seq2seq.beam_search(table_step, np.zeros((1, 1)), beam_width=v, **DECODE),
    ),
    (
        "end_id",
        0,
        3,
        lambda v: seq2seq.greedy_decode(
            table_step, np.zeros((1, 1)), start_id=0, end_id=v, max_length=3
        ),
    ),
    (
        "truncate",
        1,
        None,
        lambda v: bptt.backward(
            np.ones((1, 3, 2)),
            bptt.forward(np.ones((1, 3, 2)), np.zeros((1, 2)), np.eye(2), np.eye(2), np.zeros(2))[
                1
            ],
            truncate=v,
        ),
    ),
    ("blank", 0, 2, lambda v: ctc.ctc_decode_lists(np.zeros((1, 3, 3), "float32"), [3], blank=v)),
    (
        "sample_rate",
        1,
        None,
        lambda v: data.log_mel([np.ones(400)], v, frame_length=100, frame_step=50, fmin=0.0),
    ),
    ("units", 1, None, lambda v: cells.GRUCell(v)),
    ("units", 1, None, lambda v: layers.MinGRU(v)),
    ("units", 1, None, lambda v: layers.BahdanauAttention(v)),
]
NONE_OK = {"seed", "maxlen", "top_k", "truncate"}  # None means "the default" for these
INTEGER_IDS = [f"{name}-{i}" for i, (name, *_rest) in enumerate(INTEGER_ARGUMENTS)]


def bad_integers(low, high):
    """Values that are not an integer in [low, high]."""
    out_of_range = st.integers(max_value=low - 1) if low is not None else st.nothing()
    if high is not None:
        out_of_range = out_of_range | st.integers(min_value=high + 1)
    return (
        out_of_range
        | st.floats(allow_nan=True).filter(lambda f: f != int(f) if np.isfinite(f) else True)
        | st.integers(low, low + 3).map(float)  # 2.0: a whole float is still not an int
        | st.booleans()
        | st.sampled_from([np.True_, np.float32(2.0), "3", None, [2], np.array([1, 2])])
    )


@pytest.mark.parametrize("name, low, high, call", INTEGER_ARGUMENTS, ids=INTEGER_IDS)
@settings(fast, max_examples=10)
@given(data=st.data())
def test_a_bad_integer_is_named(name, low, high, call, data):
    value = data.draw(
        bad_integers(low, high).filter(lambda v: v is not None or name not in NONE_OK)
    )
    raises_naming(name, lambda: call(value))


@pytest.mark.parametrize("name, low, high, call", INTEGER_ARGUMENTS, ids=INTEGER_IDS)
@settings(fast, max_examples=4)
@given(data=st.data())
def test_a_numpy_integer_is_accepted(name, low, high, call, data):
    value = data.draw(st.integers(low, low + 2 if high is None else min(high, low + 2)))
    kind = data.draw(
        st.sampled_from(
            [np.int64, np.int32, np.int16, np.uint8]
            if value >= 0
            else [np.int64, np.int32, np.int8]
        )
    )
    same(call(kind(value)), call(value))


def same(a, b):
    """Two results are equal (arrays, nested tuples, objects compared by type)."""
    if isinstance(a, (tuple, list)) and not isinstance(a, str):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            same(x, y)
    elif isinstance(a, (np.ndarray, float, int, np.generic)):
        np.testing.assert_array_equal(a, b)
    else:
        assert type(a) is type(b)


# -- real numbers ------------------------------------------------------------------------
NUMBER_ARGUMENTS = [  # name, call with that value (a valid value: 0.5)
    ("value", lambda v: check_outcome("x", v, bound=0.25)),
    ("bound", lambda v: check_outcome("x", 0.75, bound=v)),
    ("baseline", lambda v: check_outcome("x", 0.75, bound=0.25, baseline=v)),
    ("low", lambda v: tasks.adding_problem_baseline(v, 2.0)),
    ("l2", lambda v: forecast.LinearForecaster(l2=v)),
    ("l2", lambda v: baselines.LogisticRegression(l2=v)),
    ("alpha", lambda v: baselines.MarkovTable([0, 1, 1, 0], 1, alpha=v)),
    ("dropout", lambda v: cells.LSTMCell(4, dropout=v)),
    (
        "length_penalty",
        lambda v: seq2seq.beam_search(table_step, np.zeros((1, 1)), length_penalty=v, **DECODE),
    ),
    (
        "eps",
        lambda v: bptt.gradient_check(
            lambda p: float(np.sum(p["w"] ** 2)), {"w": np.ones(2)}, {"w": 2 * np.ones(2)}, eps=v
        ),
    ),
]
NUMBER_IDS = [f"{name}-{i}" for i, (name, _call) in enumerate(NUMBER_ARGUMENTS)]
not_a_number = st.sampled_from(
    [
        float("nan"),
        float("inf"),
        -float("inf"),
        np.float32("nan"),
        True,
        False,
        np.True_,
        np.float64(0.95) > 0.9,
        "0.5",
        None,
        [0.5, 0.7],
        np.array([0.5, 0.7]),
    ]
)


@pytest.mark.parametrize("name, call", NUMBER_ARGUMENTS, ids=NUMBER_IDS)
@settings(fast, max_examples=10)
@given(value=not_a_number)
def test_a_bad_number_is_named(name, call, value):
    if value is None and name == "baseline":
        return  # baseline=None: no baseline
    raises_naming(name, lambda: call(value))


@pytest.mark.parametrize("name, call", NUMBER_ARGUMENTS, ids=NUMBER_IDS)
@settings(fast, max_examples=3)
@given(kind=st.sampled_from([np.float64, np.float32, np.float16]))
def test_a_numpy_float_is_accepted(name, call, kind):
    same(call(kind(0.5)), call(0.5))


def test_a_comparison_is_not_a_measurement():
    message = raises_naming(
        "value", lambda: check_outcome("acc", np.float64(0.95) > 0.9, bound=0.9)
    )
    assert "not a comparison" in message


# -- arrays with NaN or infinity ---------------------------------------------------------------
def finite(shape):
    return hnp.arrays(np.float64, shape, elements=st.floats(-3, 3))


NON_FINITE_ARGUMENTS = [  # name, valid shape, call with an array of that shape
    ("y_pred", (6,), lambda a: forecast.mae(np.zeros(6), a)),
    ("y_true", (6,), lambda a: forecast.rmse(a, np.zeros(6))),
    ("history", (8,), lambda a: forecast.mase([1.0], [1.0], a + np.arange(8))),
    ("inputs", (5, 3), lambda a: forecast.LinearForecaster().fit(a, np.arange(5.0))),
    ("targets", (5,), lambda a: forecast.LinearForecaster().fit(np.eye(5, 3), a)),
    (
        "x",
        (2, 4, 3),
        lambda a: bptt.forward(a, np.zeros((2, 2)), np.ones((3, 2)), np.eye(2), np.zeros(2)),
    ),
    (
        "Wh",
        (2, 2),
        lambda a: bptt.forward(
            np.ones((2, 4, 3)), np.zeros((2, 2)), np.ones((3, 2)), a, np.zeros(2)
        ),
    ),
    ("a", (4,), lambda a: bptt.relative_error(a, np.ones(4))),
    ("logits", (1, 4, 3), lambda a: ctc.ctc_decode_lists(a, [4])),
    ("logits", (2, 5), lambda a: textgen.softmax_with_temperature(a)),
    ("probs", (5,), lambda a: textgen.top_k_tokens(a, 2)),
    ("waveforms", (1, 400), lambda a: data.log_mel(a, 8000, frame_length=100, frame_step=50)),
    ("waveforms", (1, 400), lambda a: data.add_noise(a, 10.0)),
    ("x", (1, 3, 2), lambda a: cells.trace_gates(cells.SimpleRNNCell(2), a)),
    ("weights", (2, 3), lambda a: plotting.plot_attention(a, "abc", "xy")),
]
NON_FINITE_IDS = [f"{name}-{i}" for i, (name, *_rest) in enumerate(NON_FINITE_ARGUMENTS)]


@pytest.mark.parametrize("name, shape, call", NON_FINITE_ARGUMENTS, ids=NON_FINITE_IDS)
@settings(fast, max_examples=8)
@given(data=st.data())
def test_nan_or_inf_is_named(name, shape, call, data):
    array = data.draw(finite(shape))
    index = data.draw(st.tuples(*(st.integers(0, n - 1) for n in shape)))
    array[index] = data.draw(
        st.sampled_from([np.nan, np.inf] + ([] if name in ("logits", "probs") else [-np.inf]))
    )
    message = raises_naming(name, lambda: call(array))
    assert re.search(r"NaN|inf", message)


@pytest.mark.parametrize(
    "call", [lambda a: textgen.sample_next(a, rng=0), lambda a: textgen.top_k_tokens(a, 2)]
)
@settings(fast, max_examples=8)
@given(array=finite((2, 5)), column=st.integers(0, 4))
def test_minus_inf_rules_a_token_out(call, array, column):
    array[:, column] = -np.inf  # as notebook 06 does for the reserved tokens
    call(array)


# -- ids ----------------------------------------------------------------------------------------
fractions = hnp.arrays(
    np.float64,
    st.tuples(st.integers(1, 3), st.integers(2, 6)),
    elements=st.floats(0, 1, exclude_max=True),
).filter(lambda a: (np.mod(a, 1) != 0).any())


@pytest.mark.parametrize(
    "name, call",
    [
        ("ids", lambda a: VOCAB.decode(a)),
        ("ids", lambda a: VOCAB.decode(a[0])),
        ("ids", lambda a: textgen.KneserNey(a.reshape(-1) * 3, order=1, vocab_size=3)),
        (
            "targets",
            lambda a: textgen.KneserNey([0, 1, 2, 1], 2, 3).log_prob([[0]] * a.size, a.reshape(-1)),
        ),
        ("path", lambda a: ctc.collapse(a[0])),
        ("sequence", lambda a: baselines.MarkovTable(a.reshape(-1), 1)),
        ("sequences", lambda a: data.pad_sequences(list(a))),
    ],
)
@settings(fast, max_examples=10)
@given(probs=fractions)
def test_floats_where_ids_are_due_are_named(name, call, probs):
    message = raises_naming(name, lambda: call(probs))
    assert (
        "argmax" in message
        or "astype" in message
        or "threshold" in message
        or "Vocabulary.encode" in message
    )


@settings(fast, max_examples=10)
@given(ids=hnp.arrays(np.int64, st.integers(1, 6), elements=st.integers(4, len(VOCAB) - 1)))
def test_ids_round_trip_and_ids_are_not_text(ids):
    text = VOCAB.decode(ids)
    np.testing.assert_array_equal(VOCAB.encode(text), ids)
    assert VOCAB.decode([np.int64(i) for i in ids]) == text  # NumPy integers are ids too
    raises_naming("text", lambda: VOCAB.encode(list(ids)), TypeError)  # ids passed as text
    raises_naming("ids", lambda: VOCAB.decode(np.stack([ids, ids])))  # a batch, not one sequence


@settings(fast, max_examples=10)
@given(seqs=st.lists(st.lists(st.integers(0, 9), min_size=1, max_size=5), min_size=1, max_size=4))
def test_str_and_int_sequences_are_never_compared(seqs):
    as_text = ["".join(map(str, s)) for s in seqs]
    assert ctc.error_rate(as_text, as_text) == ctc.error_rate(seqs, seqs) == 0.0
    assert ctc.error_rate(seqs, [list(np.array(s)) for s in seqs]) == 0.0  # np.int64 symbols
    raises_naming("hypotheses", lambda: ctc.error_rate(as_text, seqs))
    raises_naming("references", lambda: ctc.error_rate(seqs, as_text))
    raises_naming("hypothesis", lambda: ctc.edit_distance(as_text[0], seqs[0]))


# -- probabilities where log-probabilities are due ------------------------------------------------
probability_tables = (
    st.integers(3, 7)
    .flatmap(  # (previous token, next token), rows sum to 1
        lambda v: hnp.arrays(np.float64, (v, v), elements=st.floats(0.01, 1))
    )
    .map(lambda t: t / t.sum(axis=1, keepdims=True))
)


@pytest.mark.parametrize("decode", [seq2seq.greedy_decode, seq2seq.beam_search])
@settings(fast, max_examples=10)
@given(table=probability_tables)
def test_probabilities_from_step_fn_are_refused(decode, table):
    args = dict(start_id=0, end_id=1, max_length=4)
    message = raises_naming(
        "step_fn", lambda: decode(lambda t, s: (table[t], s), np.zeros((2, 1)), **args)
    )
    assert "take log of probabilities" in message
    decode(lambda t, s: (np.log(table[t]), s), np.zeros((2, 1)), **args)  # the same, logged: fine
    decode(
        lambda t, s: (3.0 * table[t], s), np.zeros((2, 1)), from_logits=True, **args
    )  # logits: fine


@given(
    logits=hnp.arrays(
        np.float32,
        st.tuples(st.integers(1, 3), st.integers(2, 6), st.integers(2, 5)),
        elements=st.floats(-3, 3, width=32),
    )
)
@settings(keras_calls)
def test_ctc_softmax_probabilities_are_refused_by_beam_search(logits):
    lengths = [logits.shape[1]] * len(logits)
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    raises_naming("logits", lambda: ctc.ctc_decode_lists(probs, lengths, strategy="beam_search"))
    assert ctc.ctc_decode_lists(logits, lengths, strategy="beam_search") is not None


# -- misspelt options ------------------------------------------------------------------------------
OPTIONS = [
    ("split", checks.SPLITS, lambda v: data.load_reviews(v)),
    (
        "strategy",
        ("greedy", "beam_search"),
        lambda v: ctc.ctc_decode_lists(np.zeros((1, 2, 2), "float32"), [2], strategy=v),
    ),
    ("padding", ("post", "pre"), lambda v: data.pad_sequences([[1]], padding=v)),
    ("mode", layers.MinGRU.MODES, lambda v: layers.MinGRU(4, mode=v)),
    ("score", layers.LuongAttention.SCORES, lambda v: layers.LuongAttention(score=v)),
    ("goal", ("max", "min"), lambda v: check_outcome("x", 1.0, bound=0.5, goal=v)),
    (
        "length_form",
        ("power", "gnmt"),
        lambda v: seq2seq.beam_search(table_step, np.zeros((1, 1)), length_form=v, **DECODE),
    ),
    (
        "truncate_mode",
        ("chunk", "window"),
        lambda v: bptt.step_contributions(
            np.ones((1, 2, 2)),
            bptt.forward(np.ones((1, 2, 2)), np.zeros((1, 2)), np.eye(2), np.eye(2), np.zeros(2))[
                1
            ],
            truncate_mode=v,
        ),
    ),
]


@pytest.mark.parametrize("name, options, call", OPTIONS, ids=[o[0] for o in OPTIONS])
@settings(fast, max_examples=10)
@given(data=st.data())
def test_a_misspelt_option_lists_the_valid_ones(name, options, call, data):
    typo = data.draw(
        st.sampled_from(options).map(str.upper)
        | st.text(max_size=8)
        | st.none().filter(lambda _: name != "split")
    )  # split=None: all three
    if typo in options:
        return
    message = raises_naming(name, lambda: call(typo))
    assert all(option in message for option in options)


# -- layers: shapes against what they were built for -----------------------------------------------
@pytest.fixture(scope="module")
def built():
    query, values = np.ones((2, 5), "float32"), np.ones((2, 7, 6), "float32")
    bahdanau, luong, luong_dot, mingru = (
        layers.BahdanauAttention(8),
        layers.LuongAttention(),
        layers.LuongAttention(score="dot"),
        layers.MinGRU(4),
    )
    bahdanau(query, values)
    luong(query, values)
    luong_dot(np.ones((2, 6), "float32"), values)
    mingru(np.ones((2, 9, 3), "float32"))
    return {"bahdanau": bahdanau, "luong": luong, "luong_dot": luong_dot, "mingru": mingru}


def other_than(size):
    return st.integers(1, 9).filter(lambda n: n != size)


@pytest.mark.parametrize("layer", ["bahdanau", "luong"])
@settings(
    keras_calls, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=st.data())
def test_attention_checks_shapes_before_any_kernel(built, layer, data):
    att = built[layer]
    batch, tq, tv = (
        data.draw(st.integers(1, 3)),
        data.draw(st.integers(1, 4)),
        data.draw(st.integers(2, 5)),
    )
    query = np.ones((batch, tq, 5), "float32")
    values = np.ones((batch, tv, 6), "float32")
    wrong = data.draw(
        st.sampled_from(
            [
                "query dim",
                "values dim",
                "query rank",
                "values rank",
                "batch",
                "mask length",
                "mask rank",
            ]
        )
    )
    if wrong == "query dim":
        query = np.ones((batch, tq, data.draw(other_than(5))), "float32")
    elif wrong == "values dim":
        values = np.ones((batch, tv, data.draw(other_than(6))), "float32")
    elif wrong == "query rank":
        query = np.ones((batch, tq, 2, 5), "float32")
    elif wrong == "values rank":
        values = np.ones((batch, 6), "float32")
    elif wrong == "batch":
        query = np.ones((batch + data.draw(st.integers(1, 2)), tq, 5), "float32")
    mask = None
    if wrong == "mask length":
        mask = np.ones((batch, tv + data.draw(st.sampled_from([-1, 1]))), bool)
    elif wrong == "mask rank":
        mask = np.ones((batch, tv, 1), bool)
    name = {
        "query dim": "query",
        "values dim": "values",
        "query rank": "query",
        "values rank": "values",
        "batch": "values",
        "mask length": "values_mask",
        "mask rank": "values_mask",
    }[wrong]
    raises_naming(name, lambda: att(query, values, values_mask=mask))
    # the right shapes still work
    context, weights = att(np.ones((batch, tq, 5), "float32"), np.ones((batch, tv, 6), "float32"))
    assert tuple(weights.shape) == (batch, tq, tv)


@settings(
    keras_calls, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=st.data())
def test_mingru_checks_inputs_state_and_mask(built, data):
    layer = built["mingru"]
    batch, steps = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 6))
    x = np.ones((batch, steps, 3), "float32")
    wrong = data.draw(
        st.sampled_from(
            [
                "features",
                "rank",
                "state units",
                "state batch",
                "state rank",
                "mask length",
                "mask batch",
            ]
        )
    )
    if wrong == "features":
        raises_naming(
            "inputs", lambda: layer(np.ones((batch, steps, data.draw(other_than(3))), "float32"))
        )
    elif wrong == "rank":
        raises_naming("inputs", lambda: layer(np.ones((batch, steps), "float32")))
    elif wrong == "state units":
        h = np.zeros((batch, data.draw(other_than(4))), "float32")
        raises_naming("initial_state", lambda: layer(x, initial_state=h))
    elif wrong == "state batch":
        h = np.zeros((batch + 1, 4), "float32")
        raises_naming("initial_state", lambda: layer(x, initial_state=h))
    elif wrong == "state rank":
        raises_naming("initial_state", lambda: layer(x, initial_state=np.zeros(4, "float32")))
    elif wrong == "mask length":
        raises_naming("mask", lambda: layer(x, mask=np.ones((batch, steps + 1), bool)))
    else:
        raises_naming("mask", lambda: layer(x, mask=np.ones((batch + 1, steps), bool)))
    h = np.zeros((batch, 4), "float32")
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(layer(x, initial_state=[h])),
        keras.ops.convert_to_numpy(layer(x, initial_state=h)),
    )


def test_symbolic_calls_are_checked_too(built):
    raises_naming("query", lambda: built["bahdanau"](keras.Input((4,)), keras.Input((7, 6))))
    raises_naming("values", lambda: built["luong"](keras.Input((5,)), keras.Input((None, 4))))
    raises_naming("inputs", lambda: built["mingru"](keras.Input((None, 5))))
    context, _ = built["bahdanau"](keras.Input((5,)), keras.Input((None, 6)))  # the right ones
    assert tuple(context.shape) == (None, 6)


def test_checked_layers_still_train_in_a_compiled_model():
    # model.fit traces the layers into a graph: the checks read static shapes only.
    # (jit_compile=True trains too; left out here for its 20 s of XLA compiling.)
    tokens = keras.Input((5,), dtype="int32")
    h = keras.layers.Embedding(12, 6, mask_zero=True)(tokens)
    seq = layers.MinGRU(6, return_sequences=True)(h)
    context, _ = layers.BahdanauAttention(4)(seq[:, -1], seq)
    model = keras.Model(tokens, keras.layers.Dense(1)(context))
    model.compile("sgd", "mse")
    x = np.random.default_rng(0).integers(1, 12, size=(8, 5))
    history = model.fit(x, np.zeros((8, 1)), epochs=1, batch_size=8, verbose=0)
    assert np.isfinite(history.history["loss"]).all()


# -- cells: states of the wrong structure or size -------------------------------------------------
@pytest.mark.parametrize(
    "kind, wanted",
    [(cells.LSTMCell, "[h, c]"), (cells.GRUCell, "[h]"), (cells.SimpleRNNCell, "[h]")],
)
@settings(keras_calls)
@given(data=st.data())
def test_states_of_the_wrong_structure_are_named(kind, wanted, data):
    cell = kind(4)
    batch, steps = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 4))
    x = np.ones((batch, steps, 3), "float32")
    n = len(cell.state_names)
    wrong = data.draw(st.sampled_from(["one array", "units", "batch", "count"]))
    if wrong == "one array":
        state = np.zeros((batch, 4))
    elif wrong == "units":
        state = [np.zeros((batch, data.draw(other_than(4))))] * n
    elif wrong == "batch":
        state = [np.zeros((batch + 1, 4))] * n
    else:
        state = [np.zeros((batch, 4))] * (n + 1)
    message = raises_naming(
        "initial_state", lambda: cells.trace_gates(cell, x, initial_state=state)
    )
    assert wanted in message
    step_states = [np.zeros((batch, data.draw(other_than(4))), "float32")] * n
    if not cell.built:
        cell.build((None, 3))
    raises_naming("states", lambda: cell(np.ones((batch, 3), "float32"), step_states))
    trace = cells.trace_gates(cell, x, initial_state=[np.zeros((batch, 4))] * n)
    assert trace["hidden"].shape == (batch, steps, 4)
