"""Exercises of notebook 11: right answers pass, wrong ones fail, answers agree with Keras and the data."""

import numpy as np

from rnncourse import exercises


def test_right_answers_pass(capsys):
    assert exercises.check("11.grid_cells", 16)
    assert exercises.check("11.colour_params", 64)
    assert exercises.check("11.one_shape_captions", (40, 32))
    assert exercises.check("11.beam_rows", 4000)
    assert exercises.check("11.digit_captions", 111000)
    assert capsys.readouterr().out.count("Correct") == 5


def test_wrong_answers_fail_with_a_hint(capsys):
    assert not exercises.check("11.grid_cells", 4)  # one side, not the cells
    assert not exercises.check("11.colour_params", 48)  # forgot the biases
    assert not exercises.check("11.one_shape_captions", (40, 36))  # held out only once, not per size
    assert not exercises.check("11.beam_rows", 1000)
    assert not exercises.check("11.grid_cells", None)
    out = capsys.readouterr().out
    assert out.count("Hint:") == 4 and "Not answered yet" in out


def test_layer_answers_agree_with_keras():
    import keras

    x = keras.ops.zeros((1, 32, 32, 3))
    for _ in range(3):
        x = keras.layers.MaxPooling2D()(x)
    assert exercises.check("11.grid_cells", x.shape[1] * x.shape[2])
    conv = keras.layers.Conv2D(16, 1)
    conv.build((None, 32, 32, 3))
    assert exercises.check("11.colour_params", conv.count_params())


def test_caption_counts_agree_with_the_data():
    from rnncourse.data import images

    shapes = images.load_shapes_captions()
    one_shape = lambda split: {c for c, n in zip(split.captions, split.attributes["n_shapes"], strict=True) if n == 1}
    train, test = one_shape(shapes["train"]), one_shape(shapes["test"])
    grammar = {f"a {s} {c} {h}" for s in images.SIZES for c in images.COLOURS for h in images.SHAPES}
    assert train <= grammar and test <= grammar
    held = {f"a {s} {c} {h}" for s in images.SIZES for c, h in images.HELD_OUT_PAIRS}
    assert not train & held
    assert exercises.check("11.one_shape_captions", (len(grammar), len(grammar - held)))
    assert len(train) == len(grammar - held)  # every possible training caption occurs


def test_beam_rows_agree_with_beam_search():
    from rnncourse.seq2seq import beam_search

    rows = []

    def step(tokens, states):
        rows.append(len(tokens))
        return np.full((len(tokens), 19), -np.log(19)), states

    beam_search(step, np.zeros((1000, 2)), start_id=2, end_id=3, max_length=2, beam_width=4)
    assert exercises.check("11.beam_rows", rows[-1])


def test_digit_captions_counts_what_the_composer_can_write():
    from rnncourse import data

    # Small numbers enumerate quickly: with 1 to 2 digits there are 10 + 100 captions.
    digits = data.load_handwritten_digits("train")
    seen = set(data.compose_digit_strings(digits, 20000, seed=0, min_digits=1, max_digits=2).texts)
    assert len(seen) == 110
    assert exercises.EXERCISES["11.digit_captions"].expected() == sum(10**k for k in (3, 4, 5))
    assert not exercises.check("11.digit_captions", 10**5)  # only the longest numbers
