"""Exercises of notebook 09: right answers pass, wrong ones fail, and the expected
answers agree with the course's audio helpers, Keras and independent counts."""

import itertools

import numpy as np
import pytest

from rnncourse import data, exercises


def test_right_answers_pass(capsys):
    assert exercises.check("09.frames_per_second", 98)
    assert exercises.check("09.mel_of_4000_hz", 2146.1)  # rounded to 1 decimal, as asked
    assert exercises.check("09.ctc_min_steps", 5)
    assert exercises.check("09.ctc_paths", 15)
    assert exercises.check("09.digit_error_rate", 0.4)
    assert exercises.check("09.noise_power", 0.002)
    assert exercises.check("09.speaker_params", 4713)
    assert capsys.readouterr().out.count("Correct") == 7


@pytest.mark.parametrize("exercise_id, wrong", [
    ("09.frames_per_second", 100),  # 1 s / 10 ms, forgetting the frame length
    ("09.mel_of_4000_hz", 4000),
    ("09.ctc_min_steps", 4),  # forgetting the blank between the two 1s
    ("09.ctc_paths", 81),
    ("09.digit_error_rate", 0.2),
    ("09.noise_power", 0.0002),
])
def test_wrong_answers_fail_with_a_hint(capsys, exercise_id, wrong):
    assert not exercises.check(exercise_id, wrong)
    assert "Hint:" in capsys.readouterr().out


def test_frames_agree_with_log_mel():
    _, frames = data.log_mel([np.zeros(8000, dtype="float32")], 8000)
    assert exercises.check("09.frames_per_second", int(frames[0]))


def test_noise_power_agrees_with_add_noise():
    t = np.arange(200_000)
    clip = (np.sqrt(2 * 0.02) * np.sin(t / 7.0)).astype("float32")  # mean square 0.02
    noise = data.add_noise([clip], snr_db=10, seed=0)[0] - clip
    measured = float(np.mean(noise.astype("float64") ** 2))
    expected = exercises.EXERCISES["09.noise_power"].expected()
    assert abs(measured - expected) / expected < 0.02  # random noise: close, not equal


def test_ctc_path_count_and_min_steps_by_independent_counting():
    def spell(path):  # merge runs with groupby, then drop blanks (0)
        return [k for k, _ in itertools.groupby(path) if k != 0]

    count = sum(spell(p) == [1, 2] for p in itertools.product(range(3), repeat=4))
    assert exercises.check("09.ctc_paths", count)
    digits = {str(d): d + 1 for d in range(10)}
    target = [digits[c] for c in "1123"]
    shortest = min(n for n in range(1, 8)
                   if any(spell(p) == target for p in itertools.product([0, 2, 3, 4], repeat=n)))
    assert exercises.check("09.ctc_min_steps", shortest)


def test_ctc_min_steps_agrees_with_keras_ctc_loss():
    from keras import ops

    target = np.array([[2, 2, 3, 4]], dtype="int32")  # "1123" as classes 1..10 (blank 0)
    logits = np.zeros((1, 5, 11), dtype="float32")
    finite = ops.convert_to_numpy(ops.ctc_loss(target, logits, np.array([4]), np.array([5])))
    impossible = ops.convert_to_numpy(ops.ctc_loss(target, logits, np.array([4]), np.array([4])))
    assert np.isfinite(finite[0]) and finite[0] < 20
    # No path fits in 4 steps: TensorFlow returns a huge (or infinite) loss.
    assert not np.isfinite(impossible[0]) or impossible[0] > 30 * finite[0]


def test_digit_error_rate_by_hand():
    # "427" -> "4277": one insertion; "90" -> "0": one deletion; 5 reference digits.
    assert exercises.check("09.digit_error_rate", (1 + 1) / 5)


def test_speaker_params_is_the_keras_count():
    import keras

    model = keras.Sequential([keras.Input((None, 12)), keras.layers.GRU(32), keras.layers.Dense(9)])
    assert exercises.EXERCISES["09.speaker_params"].expected() == model.count_params()


def test_speaker_params_common_mistakes_fail(capsys):
    assert not exercises.check("09.speaker_params", 4713 - 3 * 32)  # reset_after=False: one bias per gate
    assert not exercises.check("09.speaker_params", 4416)  # the GRU alone
    assert capsys.readouterr().out.count("Hint:") == 2
