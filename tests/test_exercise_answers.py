"""The exercises' expected answers agree with what Keras, TensorFlow, NumPy, the course
data and the package compute for the same numbers, one section per notebook. (That right
answers pass and common mistakes fail, for every exercise: tests/test_exercises.py.)"""

import itertools
import math

import keras
import numpy as np
import pytest
import sacrebleu
import tensorflow as tf

from rnncourse import bptt, data, exercises, tasks, textgen
from rnncourse.data import images, load_series, make_windows
from rnncourse.exercises import nb02, nb03, nb11, nb12
from rnncourse.layers import BahdanauAttention, LuongAttention, MinGRU
from rnncourse.seq2seq import beam_search


def expected(exercise_id):
    """The registered answer of ``exercise_id`` (what ``exercises.check`` compares with)."""
    return exercises.EXERCISES[exercise_id].expected()


# ------------------------ notebook 01


def test_01_answers_agree_with_keras():
    layer = keras.layers.SimpleRNN(64)
    layer.build((None, 20, 10))
    assert exercises.check("01.rnn_params", layer.count_params())
    dense = keras.layers.Dense(64)
    dense.build((None, 200))
    assert exercises.check("01.mlp_params", dense.count_params())
    out = keras.layers.SimpleRNN(8, return_sequences=True)(keras.ops.zeros((32, 15, 4)))
    assert exercises.check("01.shape_many_to_many", tuple(out.shape))


# ------------------------ notebook 02


def test_02_log_loss_agrees_with_keras():
    y = np.array(nb02.LOG_LOSS_LABELS, dtype="float64")[:, None]  # (4, 1)
    p = np.array(nb02.LOG_LOSS_PROBS, dtype="float64")[:, None]  # (4, 1)
    keras_value = float(keras.losses.BinaryCrossentropy()(y, p))
    assert math.isclose(expected("02.log_loss"), keras_value, rel_tol=1e-6)


def test_02_rmse_agrees_with_keras():
    metric = keras.metrics.RootMeanSquaredError(dtype="float64")
    metric.update_state(np.array(nb02.RMSE_TRUE), np.array(nb02.RMSE_PRED))
    assert math.isclose(expected("02.rmse"), float(metric.result()), rel_tol=1e-9)


def test_02_sgd_step_agrees_with_keras_sgd_and_gradient_tape():
    w = keras.Variable(nb02.SGD_W, dtype="float64")
    with tf.GradientTape() as tape:
        loss = (w * nb02.SGD_X - nb02.SGD_Y) ** 2
    grad = tape.gradient(loss, w)
    keras.optimizers.SGD(learning_rate=nb02.SGD_LR).apply([grad], [w])
    # Keras keeps the rate in float32: equal to 1e-6.
    assert math.isclose(expected("02.sgd_step"), float(w.numpy()), rel_tol=1e-6)


def test_02_steps_per_epoch_and_running_mean_agree_with_model_fit():
    n, batch = nb02.EPOCH_SAMPLES, nb02.EPOCH_BATCH
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")  # lr 0: weights fixed
    batch_losses = []
    counter = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda b, logs: batch_losses.append(b)
    )
    x = np.linspace(-1.0, 1.0, n, dtype="float32")[:, None]  # (n, 1)
    y = (x**2).astype("float32")  # (n, 1): a per-batch loss that differs between batches
    history = model.fit(
        x, y, batch_size=batch, epochs=1, shuffle=False, verbose=0, callbacks=[counter]
    )
    assert len(batch_losses) == expected("02.steps_per_epoch")

    # The loss fit reports is the mean over batches weighted by their sizes.
    squared = (model.predict(x, verbose=0) - y) ** 2  # (n, 1)
    per_batch = [float(squared[i : i + batch].mean()) for i in range(0, n, batch)]
    sizes = [len(x[i : i + batch]) for i in range(0, n, batch)]
    weighted = sum(v * s for v, s in zip(per_batch, sizes, strict=True)) / n
    assert math.isclose(history.history["loss"][0], weighted, rel_tol=1e-5)
    assert not math.isclose(history.history["loss"][0], float(np.mean(per_batch)), rel_tol=1e-5)


def test_02_running_mean_agrees_with_keras_mean_metric():
    mean = keras.metrics.Mean(dtype="float64")
    for loss, size in zip(nb02.RUNNING_LOSSES, nb02.RUNNING_SIZES, strict=True):
        mean.update_state(loss, sample_weight=size)
    assert math.isclose(expected("02.fit_running_mean"), float(mean.result()), rel_tol=1e-6)


# ------------------------ notebook 03


def _tape_gradient(x, w, chunk=None):
    """dh_T/dw of the linear RNN by tf.GradientTape, with stop_gradient at chunk starts."""
    w = tf.Variable(w, dtype=tf.float64)
    with tf.GradientTape() as tape:
        h = tf.constant(0.0, dtype=tf.float64)
        for t, x_t in enumerate(x):
            if chunk is not None and t % chunk == 0:
                h = tf.stop_gradient(h)  # a new chunk starts from a constant state
            h = w * h + x_t
    return float(tape.gradient(h, w))


@pytest.mark.parametrize("chunk", [None, 1, 2, 3, 5])
def test_03_linear_rnn_grad_agrees_with_gradient_tape(chunk):
    x = (0.3, -1.0, 2.0, 0.5, 1.5, -0.7)
    assert math.isclose(
        nb03.linear_rnn_grad(x, 0.8, chunk), _tape_gradient(x, 0.8, chunk), rel_tol=1e-12
    )


def test_03_truncation_changes_the_gradient():
    x = nb03.TRUNC_X
    full, truncated = nb03.linear_rnn_grad(x, 0.5), nb03.linear_rnn_grad(x, 0.5, chunk=2)
    assert not math.isclose(full, truncated, rel_tol=1e-3)
    assert math.isclose(nb03.linear_rnn_grad(x, 0.5, chunk=len(x)), full, rel_tol=1e-12)


def test_03_exercise_answers_agree_with_gradient_tape():
    assert math.isclose(
        expected("03.linear_rnn_grad"), _tape_gradient(nb03.GRAD_X, nb03.GRAD_W), rel_tol=1e-12
    )
    assert math.isclose(
        expected("03.truncated_grad"),
        _tape_gradient(nb03.TRUNC_X, nb03.TRUNC_W, nb03.TRUNC_CHUNK),
        rel_tol=1e-12,
    )


def test_03_activation_bytes_agree_with_keras_output_shape():
    layer = keras.layers.SimpleRNN(nb03.MEM_UNITS, return_sequences=True)
    shape = layer.compute_output_shape((nb03.MEM_BATCH, nb03.MEM_STEPS, 10))  # the stored states
    itemsize = np.dtype(layer.compute_dtype).itemsize
    assert itemsize == nb03.MEM_BYTES_PER_NUMBER
    assert expected("03.activation_bytes") == math.prod(shape) * itemsize


def test_03_stateful_updates_agree_with_a_stateful_keras_fit():
    chunk = 50
    steps = 1_000  # a short stream, same chunking rule as the exercise
    stream = np.linspace(-1.0, 1.0, steps, dtype="float32").reshape(steps // chunk, chunk, 1)
    model = keras.Sequential(
        [
            keras.Input(batch_shape=(1, chunk, 1)),
            keras.layers.SimpleRNN(2, stateful=True, return_sequences=True),
            keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    updates = []
    counter = keras.callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: updates.append(b))
    model.fit(stream, stream, batch_size=1, epochs=1, shuffle=False, verbose=0, callbacks=[counter])
    assert len(updates) == math.ceil(steps / chunk)
    assert (
        expected("03.stateful_updates") == math.ceil(nb03.STREAM_STEPS / nb03.STREAM_CHUNK) == 200
    )


# ------------------------ notebook 04


def test_04_the_steps_answer_is_the_first_step_below_the_threshold():
    k = expected("04.steps_to_vanish")
    assert 0.8**k < 1e-3 <= 0.8 ** (k - 1)
    assert k == math.ceil(math.log(1e-3) / math.log(0.8))


def _clipped_by_keras(**clip):
    variable = keras.Variable(np.zeros(2, dtype="float32"))
    optimizer = keras.optimizers.SGD(learning_rate=1.0, **clip)
    optimizer.apply(
        [keras.ops.convert_to_tensor(np.array([3.0, 4.0], dtype="float32"))], [variable]
    )
    return -keras.ops.convert_to_numpy(variable)  # SGD with lr 1 subtracts the clipped gradient


def test_04_clipping_answers_agree_with_keras_optimizers():
    by_norm = _clipped_by_keras(clipnorm=1.0)
    assert by_norm[0] == pytest.approx(expected("04.clipnorm"), rel=1e-6)
    by_value = _clipped_by_keras(clipvalue=1.0)
    assert np.linalg.norm(by_value) == pytest.approx(expected("04.clipvalue_norm"), rel=1e-6)


def test_04_global_clipnorm_answer_agrees_with_a_keras_optimizer():
    first = keras.Variable(np.zeros(2, dtype="float32"))
    second = keras.Variable(np.zeros(1, dtype="float32"))
    optimizer = keras.optimizers.SGD(learning_rate=1.0, global_clipnorm=1.0)
    grads = [np.array([3.0, 4.0], dtype="float32"), np.array([12.0], dtype="float32")]
    optimizer.apply([keras.ops.convert_to_tensor(g) for g in grads], [first, second])
    clipped = -keras.ops.convert_to_numpy(first)  # SGD with lr 1 subtracts the clipped gradient
    assert clipped[0] == pytest.approx(expected("04.global_clipnorm"), rel=1e-6)
    assert clipped[0] != pytest.approx(expected("04.clipnorm"))  # clipnorm would differ


def test_04_gru_memory_agrees_with_a_keras_gru():
    units, steps = 3, 40
    gru = keras.layers.GRU(units)
    gru.build((None, steps, 1))
    kernel, recurrent, bias = gru.get_weights()  # bias: (2, 3 * units), gates [z | r | h]
    bias = np.zeros_like(bias)
    bias[0, :units] = 3.0  # update gate z = sigmoid(3); the candidate is tanh(0) = 0
    gru.set_weights([np.zeros_like(kernel), np.zeros_like(recurrent), bias])
    h0 = np.ones((1, units), dtype="float32")
    h = keras.ops.convert_to_numpy(gru(np.zeros((1, steps, 1), "float32"), initial_state=[h0]))
    np.testing.assert_allclose(h, expected("04.gru_memory"), rtol=1e-3)


def test_04_vanish_factor_agrees_with_a_linear_keras_rnn():
    steps = 51  # the gradient travels 50 steps back from the last state
    model = keras.Sequential(
        [
            keras.Input((steps, 1)),
            keras.layers.SimpleRNN(
                8,
                activation="linear",
                recurrent_initializer=keras.initializers.Orthogonal(gain=0.9, seed=0),
            ),
            keras.layers.Dense(1),
        ]
    )
    x = np.random.default_rng(0).normal(size=(2, steps, 1)).astype("float32")
    norms = bptt.step_gradient_norms(model, x)
    assert norms[0] / norms[-1] == pytest.approx(expected("04.vanish_factor"), rel=1e-3)


def test_04_adding_baseline_agrees_with_sampled_targets():
    _, y = tasks.adding_problem(100_000, 4, low=0.0, high=1.0, seed=0)
    assert np.mean((y - y.mean()) ** 2) == pytest.approx(expected("04.adding_baseline"), rel=0.02)


# ------------------------ notebook 05


def _count(layer_list, features):
    return keras.Sequential([keras.Input((None, features))] + layer_list).count_params()


def test_05_parameter_answers_agree_with_keras():
    assert expected("05.lstm_params") == _count([keras.layers.LSTM(64)], 10)
    assert expected("05.gru_params") == _count([keras.layers.GRU(64)], 10)
    assert expected("05.bidirectional_params") == _count(
        [keras.layers.Bidirectional(keras.layers.LSTM(32))], 8
    )
    stacked = [keras.layers.GRU(16, return_sequences=True), keras.layers.GRU(16)]
    assert expected("05.stacked_params") == _count(stacked, 4)


def test_05_shape_answer_agrees_with_keras():
    out = keras.layers.Bidirectional(keras.layers.GRU(16, return_sequences=True))(
        keras.ops.zeros((8, 20, 5))
    )
    assert exercises.check("05.bidirectional_shape", tuple(out.shape))


def test_05_receptive_field_agrees_with_stacked_convolutions():
    # A delta at the centre of an all-zero input spreads exactly over the receptive field
    # of three stacked kernel-5 convolutions whose weights are all ones.
    model = keras.Sequential(
        [keras.Input((41, 1))]
        + [
            keras.layers.Conv1D(1, 5, padding="same", use_bias=False, kernel_initializer="ones")
            for _ in range(3)
        ]
    )
    x = np.zeros((1, 41, 1), dtype="float32")
    x[0, 20, 0] = 1.0
    reached = keras.ops.convert_to_numpy(model(x))[0, :, 0] != 0
    assert int(reached.sum()) == expected("05.receptive_field")


# ------------------------ notebook 06


def test_06_answers_agree_with_keras_and_the_textgen_helpers():
    gru = keras.layers.GRU(512)
    gru.build((None, None, 32))
    assert exercises.check("06.gru_params", gru.count_params())
    probs = textgen.softmax_with_temperature([3.0, 1.0, 0.0], temperature=2.0)
    assert exercises.check("06.temperature", probs[0])
    uniform = np.full(10_000, 1 / 10_000)
    assert exercises.check("06.uniform_nats", -np.log(uniform[0]))
    assert exercises.check("06.bits", 1.8 / np.log(2))


# ------------------------ notebook 07


def test_07_majority_answer_comes_from_the_data():
    reviews = data.load_reviews()
    test_labels = reviews["test"].labels
    assert np.bincount(reviews["train"].labels).argmax() == 1
    vocab = data.Vocabulary.from_texts(reviews["train"].texts, level="word", lower=True)
    holds = np.array(["no" in vocab.tokenize(text) for text in reviews["test"].texts])
    assert exercises.check("07.majority", test_labels[holds].mean())
    assert not exercises.check("07.majority", 1 - test_labels[holds].mean())
    assert not exercises.check("07.majority", test_labels.mean())  # printed by the notebook


def test_07_answers_agree_with_keras():
    embed = keras.layers.Embedding(10_000, 64)
    bilstm = keras.layers.Bidirectional(keras.layers.LSTM(48))
    ids = keras.ops.zeros((16, 40), dtype="int32")
    out = bilstm(embed(ids))
    assert exercises.check("07.embedding_params", embed.count_params())
    assert exercises.check("07.bilstm_params", bilstm.count_params())
    assert exercises.check("07.bilstm_shape", tuple(out.shape))
    dense = keras.layers.Dense(1, activation="sigmoid")
    dense.build((None, 10_000))
    assert exercises.check("07.bow_params", dense.count_params())


# ------------------------ notebook 08


def test_08_window_count_agrees_with_make_windows():
    test_split = load_series("electricity").arrays("demand_gw")["test"]
    inputs, _ = make_windows(test_split, input_width=336, horizon=48)
    assert len(test_split) == 2928
    assert exercises.check("08.n_windows", len(inputs))


def test_08_weekly_lag_agrees_with_a_quarter_hourly_index():
    start = np.datetime64("2014-01-01T00:00")
    index = start + np.arange(3000) * np.timedelta64(15, "m")  # a reading every 15 minutes
    week = int(np.searchsorted(index, start + np.timedelta64(7, "D")))
    assert exercises.check("08.weekly_lag", week)
    half_hourly = load_series("electricity").train.index  # the notebook's series: 336 a week
    assert half_hourly.get_loc(half_hourly[0] + np.timedelta64(7, "D")) == week // 2


def test_08_demand_std_agrees_with_the_loaded_series():
    std_gw = float(load_series("electricity").std["demand_gw"])
    assert exercises.check("08.mae_in_mw", 0.25 * std_gw * 1000)


def test_08_random_walk_mse_agrees_with_numpy():
    rng = np.random.default_rng(0)
    returns = rng.normal(size=100_000)
    returns = (returns - returns.mean()) / returns.std() * 0.0097 + 0.0003  # exact mean and std
    assert exercises.check("08.random_walk_mse", np.mean((returns - 0.0) ** 2))


def test_08_leaky_overlap_agrees_with_make_windows():
    series = np.arange(200.0)  # each value is its own index
    inputs, targets = make_windows(series, input_width=30, horizon=1, stride=4)
    i = 20  # a window far from both ends
    holders = [j for j in range(len(inputs)) if j != i and targets[i, 0] in inputs[j, :, 0]]
    assert exercises.check("08.leaky_overlap", len(holders))


def test_08_rollout_count_agrees_with_autoregressive_forecast():
    from rnncourse.forecast import autoregressive_forecast

    seen = []

    def predict_next(windows):  # records what it reads; forecasts are negative, data positive
        seen.append(windows[0, :, 0].copy())
        return -np.ones(len(windows))

    measured = np.arange(1.0, 49.0)[None, :]  # (1, 48): the last 48 half-hours, all positive
    autoregressive_forecast(predict_next, measured, horizon=48)
    assert len(seen) == 48
    assert exercises.check("08.rollout_own_forecasts", int((seen[-1] < 0).sum()))


# ------------------------ notebook 09


def test_09_frames_agree_with_log_mel():
    _, frames = data.log_mel([np.zeros(8000, dtype="float32")], 8000)
    assert exercises.check("09.frames_per_second", int(frames[0]))


def test_09_noise_power_agrees_with_add_noise():
    t = np.arange(200_000)
    clip = (np.sqrt(2 * 0.02) * np.sin(t / 7.0)).astype("float32")  # mean square 0.02
    noise = data.add_noise([clip], snr_db=10, seed=0)[0] - clip
    measured = float(np.mean(noise.astype("float64") ** 2))
    assert (
        abs(measured - expected("09.noise_power")) / expected("09.noise_power") < 0.02
    )  # random noise: close, not equal


def test_09_ctc_path_count_and_min_steps_by_independent_counting():
    def spell(path):  # merge runs with groupby, then drop blanks (0)
        return [k for k, _ in itertools.groupby(path) if k != 0]

    count = sum(spell(p) == [1, 1] for p in itertools.product(range(3), repeat=4))
    assert exercises.check("09.ctc_paths", count)
    digits = {str(d): d + 1 for d in range(10)}
    target = [digits[c] for c in "1123"]
    shortest = min(
        n
        for n in range(1, 8)
        if any(spell(p) == target for p in itertools.product([0, 2, 3, 4], repeat=n))
    )
    assert exercises.check("09.ctc_min_steps", shortest)


def test_09_ctc_min_steps_agrees_with_keras_ctc_loss():
    target = np.array([[2, 2, 3, 4]], dtype="int32")  # "1123" as classes 1..10 (blank 0)
    logits = np.zeros((1, 5, 11), dtype="float32")
    finite = keras.ops.convert_to_numpy(
        keras.ops.ctc_loss(target, logits, np.array([4]), np.array([5]))
    )
    impossible = keras.ops.convert_to_numpy(
        keras.ops.ctc_loss(target, logits, np.array([4]), np.array([4]))
    )
    assert np.isfinite(finite[0]) and finite[0] < 20
    # No path fits in 4 steps: TensorFlow returns a huge (or infinite) loss.
    assert not np.isfinite(impossible[0]) or impossible[0] > 30 * finite[0]


def test_09_speaker_params_is_the_keras_count():
    model = keras.Sequential([keras.Input((None, 12)), keras.layers.GRU(64), keras.layers.Dense(9)])
    assert expected("09.speaker_params") == model.count_params()


# ------------------------ notebook 10


def test_10_attention_answers_agree_with_the_layers():
    query = np.zeros((2, 3, 64), "float32")  # (batch, Tq, 64)
    values = np.zeros((2, 5, 32), "float32")  # (batch, Tv, 32)
    bahdanau = BahdanauAttention(16)
    bahdanau(query, values)
    luong = LuongAttention(score="general")
    luong(query, values)
    assert exercises.check("10.bahdanau_params", bahdanau.count_params())
    assert exercises.check("10.luong_params", luong.count_params())


def test_10_brevity_penalty_agrees_with_sacrebleu():
    reference = "a b c d e f g h i j"  # 10 tokens
    candidate = "a b c d e f g h"  # 8 tokens
    score = sacrebleu.sentence_bleu(candidate, [reference])
    assert (score.sys_len, score.ref_len) == (8, 10)
    assert exercises.check("10.brevity_penalty", score.bp)


def test_10_beam_candidates_agree_with_beam_search():
    seen = []
    vocab, width = 36, 4

    def step(tokens, states):
        seen.append(len(tokens))
        return np.full((len(tokens), vocab), -np.log(vocab)), states

    beam_search(step, np.zeros((1, 1)), start_id=2, end_id=3, max_length=3, beam_width=width)
    assert exercises.check("10.beam_candidates", seen[1] * vocab)


# ------------------------ notebook 11


def test_11_layer_answers_agree_with_keras():
    x = keras.ops.zeros((1, nb11.GRID_IMAGE_SIZE, nb11.GRID_IMAGE_SIZE, 3))
    for _ in range(nb11.GRID_HALVINGS):
        x = keras.layers.MaxPooling2D()(x)
    assert exercises.check("11.grid_cells", x.shape[1] * x.shape[2])
    conv = keras.layers.Conv2D(nb11.COLOUR_FILTERS, 1)
    conv.build((None, 32, 32, nb11.COLOUR_CHANNELS))
    assert exercises.check("11.colour_params", conv.count_params())


def test_11_caption_counts_agree_with_the_data():
    shapes = images.load_shapes_captions()
    one_shape = lambda split: {
        c for c, n in zip(split.captions, split.attributes["n_shapes"], strict=True) if n == 1
    }
    train, test = one_shape(shapes["train"]), one_shape(shapes["test"])
    grammar = {
        f"a {s} {c} {h}" for s in images.SIZES for c in images.COLOURS for h in images.SHAPES
    }
    assert train <= grammar and test <= grammar
    held = {f"a {s} {c} {h}" for s in images.SIZES for c, h in images.HELD_OUT_PAIRS}
    assert not train & held
    assert exercises.check("11.one_shape_captions", (len(grammar), len(grammar - held)))
    assert len(train) == len(grammar - held)  # every possible training caption occurs


def test_11_beam_rows_agree_with_beam_search():
    rows = []

    def step(tokens, states):
        rows.append(len(tokens))
        return np.full((len(tokens), 19), -np.log(19)), states

    beam_search(step, np.zeros((1000, 2)), start_id=2, end_id=3, max_length=2, beam_width=4)
    assert exercises.check("11.beam_rows", rows[-1])


def test_11_digit_captions_counts_what_the_composer_can_write():
    # Small numbers enumerate quickly: with 1 to 2 digits there are 10 + 100 captions.
    digits = data.load_handwritten_digits("train")
    seen = set(data.compose_digit_strings(digits, 20000, seed=0, min_digits=1, max_digits=2).texts)
    assert len(seen) == 110
    assert expected("11.digit_captions") == sum(10**k for k in (3, 4, 5))


# ------------------------ notebook 12


def test_12_attention_scores_agree_with_keras_multi_head_attention():
    heads, tokens = 3, 7
    x = np.zeros((1, tokens, 4), "float32")  # (batch, time, features)
    layer = keras.layers.MultiHeadAttention(num_heads=heads, key_dim=2)
    _, scores = layer(x, x, return_attention_scores=True)  # (1, heads, tokens, tokens)
    assert int(np.prod(scores.shape)) == nb12.attention_scores(heads, tokens)
    assert expected("12.attention_scores") == nb12.SCORES_HEADS * nb12.SCORES_TOKENS**2


@pytest.mark.parametrize(("heads", "key_dim", "features"), [(2, 16, 32), (4, 8, 20), (1, 3, 5)])
def test_12_mha_params_agree_with_keras(heads, key_dim, features):
    layer = keras.layers.MultiHeadAttention(num_heads=heads, key_dim=key_dim)
    x = np.zeros((1, 3, features), "float32")  # (batch, time, features)
    layer(x, x)
    assert layer.count_params() == nb12.mha_params(heads, key_dim, features)


def test_12_mha_params_expected_answer_is_the_keras_count_for_the_exercise():
    layer = keras.layers.MultiHeadAttention(num_heads=nb12.MHA_HEADS, key_dim=nb12.MHA_KEY_DIM)
    x = np.zeros((1, 2, nb12.MHA_FEATURES), "float32")
    layer(x, x)
    assert expected("12.mha_params") == layer.count_params()


def test_12_scan_rounds_is_the_ceiling_of_log2():
    for steps in range(2, 2049):
        rounds = nb12.scan_rounds(steps)
        assert rounds == math.ceil(math.log2(steps))
        assert 2**rounds >= steps > 2 ** (rounds - 1)  # enough doublings, and not one more
    assert nb12.scan_rounds(1) == 0  # one step needs no combining
    assert expected("12.scan_rounds") == 11


@pytest.mark.parametrize("steps", [5, 8, 9])
def test_12_the_doubling_scan_needs_exactly_that_many_rounds(steps):
    """With one round fewer than scan_rounds(steps), the doubling scan is still wrong
    at the last step: the count is the real one, not an upper bound."""
    a = np.full(steps, 0.5)  # h_t = a_t h_{t-1} + b_t
    b = np.arange(1.0, steps + 1)
    h, hs = 0.0, []
    for t in range(steps):
        h = a[t] * h + b[t]
        hs.append(h)

    def doubling_scan(rounds):
        aa, bb, offset = a.copy(), b.copy(), 1
        for _ in range(rounds):
            a_prev = np.concatenate([np.ones(offset), aa[:-offset]])
            b_prev = np.concatenate([np.zeros(offset), bb[:-offset]])
            aa, bb, offset = aa * a_prev, aa * b_prev + bb, offset * 2
        return bb

    rounds = nb12.scan_rounds(steps)
    assert np.allclose(doubling_scan(rounds), hs)
    assert not np.allclose(doubling_scan(rounds - 1), hs)


def test_12_mingru_parallel_scan_matches_the_loop_at_the_exercise_length():
    x = np.random.default_rng(0).normal(size=(1, nb12.SCAN_STEPS, 2)).astype("float32")
    parallel = MinGRU(3, return_sequences=True)
    sequential = MinGRU(3, return_sequences=True, mode="sequential")
    h_parallel = keras.ops.convert_to_numpy(parallel(x))
    sequential.build(x.shape)
    sequential.set_weights(parallel.get_weights())
    assert np.allclose(h_parallel, keras.ops.convert_to_numpy(sequential(x)), atol=1e-5)


def test_12_kv_cache_bytes_agree_with_numpy_arrays():
    layers_, width, tokens = 3, 8, 5
    cache = np.zeros(
        (layers_, 2, tokens, width), dtype="float32"
    )  # (layers, key/value, tokens, width)
    assert cache.nbytes == nb12.kv_cache_bytes(layers_, width, 4, tokens)
    assert expected("12.kv_cache_bytes") == 402_653_184


def test_12_replica_batch_splits_the_global_batch_evenly(monkeypatch):
    assert expected("12.replica_batch") * nb12.REPLICAS == nb12.GLOBAL_BATCH
    monkeypatch.setattr(nb12, "GLOBAL_BATCH", 250)
    with pytest.raises(ValueError, match="GLOBAL_BATCH=250"):
        expected("12.replica_batch")
