"""What every exercise does, driven by one table: a right answer passes ("Correct"), each
common mistake fails with a hint, no answer says "Not answered yet"; and each notebook
checks exactly its registered exercises. How the expected answers agree with Keras, the
data and the package is in tests/test_exercise_answers.py."""

import json
import math
import re
from pathlib import Path

import pytest

from rnncourse import exercises

# (exercise id, an answer that must pass): the notebook's numbers, worked out by hand.
RIGHT = [
    ("01.rnn_params", 64 * (10 + 64 + 1)),
    ("01.rnn_params_long", 4800),
    ("01.mlp_params", 201 * 64),
    ("01.shape_many_to_many", (32, 15, 8)),
    ("02.log_loss", -(math.log(0.9) + math.log(0.8) + math.log(0.6) + math.log(0.3)) / 4),
    ("02.rmse", math.sqrt((0.25 + 0 + 2.25 + 1.0) / 4)),
    ("02.sgd_step", 0.7),
    ("02.steps_per_epoch", 40),  # 5,000 = 39 x 128 + 8
    ("02.fit_running_mean", 0.42),
    ("03.linear_rnn_grad", 3.0),  # h_3 = w^2 + 2w + 3, so dL/dw = 2w + 2 = 3 at w = 0.5
    ("03.truncated_grad", 5.5),  # h_2 = 2.5, h_3 = 4.25: the truncated gradient is h_3 + w h_2
    ("03.activation_bytes", 32_768_000),
    ("03.stateful_updates", 200),
    ("04.vanish_factor", 0.9**50),
    ("04.steps_to_vanish", 31),  # 0.8**30 = 1.2e-3, 0.8**31 = 9.9e-4
    ("04.clipnorm", 0.6),
    ("04.clipvalue_norm", math.sqrt(2)),
    ("04.global_clipnorm", 3 / 13),
    ("04.adding_baseline", 1 / 6),
    ("04.gru_memory", (1 / (1 + math.exp(-3))) ** 40),
    ("05.lstm_params", 4 * 64 * (10 + 64 + 1)),
    ("05.gru_params", 3 * 64 * (10 + 64 + 2)),
    ("05.bidirectional_params", 2 * 4 * 32 * (8 + 32 + 1)),
    ("05.stacked_params", 3 * 16 * (4 + 16 + 2) + 3 * 16 * (16 + 16 + 2)),
    ("05.bidirectional_shape", (8, 20, 32)),
    ("05.receptive_field", 13),
    ("06.uniform_nats", 9.2103),  # ln 10,000
    ("06.perplexity", 6.05),
    ("06.bits", 2.597),
    ("06.temperature", 0.6285),  # softmax of [1.5, 0.5, 0]
    ("06.gru_params", 838_656),  # 3 (512 (32 + 512) + 2 x 512)
    ("06.ngram_table", 73**4),
    ("07.majority", 20 / 48),  # the 48 test snippets with "no": 20 positive
    ("07.embedding_params", 640_000),
    ("07.bilstm_params", 43_392),
    ("07.bilstm_shape", (16, 96)),
    ("07.bow_params", 10_001),
    ("08.n_windows", 2545),
    ("08.weekly_lag", 672),  # 4 readings an hour x 24 x 7
    ("08.mae_in_mw", 236.474),
    ("08.random_walk_mse", 9.418e-5),
    ("08.leaky_overlap", 7),  # the windows starting 4, 8, ..., 28 rows later
    ("08.rollout_own_forecasts", 47),  # every forecast before the 48th
    ("09.frames_per_second", 98),
    ("09.mel_of_4000_hz", 2146.1),  # rounded to 1 decimal, as asked
    ("09.ctc_min_steps", 5),
    ("09.ctc_paths", 5),  # a_a_ a__a _a_a a_aa aa_a
    ("09.digit_error_rate", 0.4),  # "427" -> "4277" and "90" -> "0": 2 edits, 5 digits
    ("09.noise_power", 0.002),
    ("09.speaker_params", 15_561),  # 3 (12 x 64 + 64 x 64 + 2 x 64) + 64 x 9 + 9
    ("10.bahdanau_params", 64 * 16 + 32 * 16 + 16 + 16),
    ("10.luong_params", 2048),
    ("10.beam_candidates", 144),
    ("10.brevity_penalty", math.exp(-0.25)),
    ("11.grid_cells", 36),  # 48 -> 24 -> 12 -> 6 on each side
    ("11.colour_params", 128),
    ("11.one_shape_captions", (40, 32)),
    ("11.beam_rows", 4000),
    ("11.digit_captions", 111000),
    ("12.attention_scores", 4 * 1000 * 1000),
    ("12.mha_params", 3 * (48 * 32 + 32) + (32 * 48 + 48)),  # heads x key_dim = 32
    ("12.scan_rounds", 11),
    ("12.scan_rounds", 11.0),  # a float that equals the int is fine
    ("12.kv_cache_bytes", 2 * 24 * 1024 * 2 * 4096),
    ("12.replica_batch", 64),
]

# (exercise id, a common mistake that must fail with the hint).
WRONG = [
    ("01.rnn_params", 4000),
    ("01.rnn_params_long", 4800 * 1000 // 20),  # grown with the length: no weight sharing
    ("01.mlp_params", 200 * 64),  # the biases forgotten
    ("01.shape_many_to_many", (32, 8)),  # return_sequences forgotten
    ("01.shape_many_to_many", "a shape"),
    ("02.log_loss", 0.5),  # near, but not within 1e-3
    ("02.log_loss", -0.6),  # the sign forgotten
    ("02.rmse", 0.875),  # the MSE, not its root
    ("02.rmse", 0.75),  # the mean absolute error
    ("02.sgd_step", 2.3),  # stepped up the gradient instead of down
    ("02.steps_per_epoch", 39),  # rounded down
    ("02.fit_running_mean", 0.4),  # unweighted mean of the batch losses
    ("03.linear_rnn_grad", 2.5),  # only the last step's term
    ("03.truncated_grad", 5.75),  # the full BPTT gradient
    ("03.truncated_grad", 4.25),  # truncated after one step
    ("03.activation_bytes", 8_192_000),  # forgot the bytes per number
    ("03.stateful_updates", 1),  # one update per sequence: full BPTT
    ("04.vanish_factor", 0.9**49),  # one step short
    ("04.steps_to_vanish", 30),  # 0.8**30 is still above 1e-3
    ("04.clipnorm", 3.0),  # not clipped
    ("04.clipvalue_norm", 1.0),  # the clipnorm answer
    ("04.global_clipnorm", 0.6),  # clipnorm: the first variable clipped on its own
    ("04.adding_baseline", 1 / 12),  # the variance of one number
    ("04.gru_memory", 0.5**40),  # bias 0
    ("05.lstm_params", 64 * (10 + 64 + 1)),  # a SimpleRNN's count
    ("05.gru_params", 3 * 64 * (10 + 64 + 1)),  # reset_after=False
    ("05.bidirectional_params", 4 * 32 * (8 + 32 + 1)),  # one direction only
    ("05.stacked_params", 2 * 3 * 16 * (4 + 16 + 2)),  # second layer on 4 features
    ("05.bidirectional_shape", (8, 20, 16)),  # forgot the concatenation
    ("05.receptive_field", 15),  # 3 * 5
    ("06.uniform_nats", math.log2(10_000)),  # bits, not nats
    ("06.uniform_nats", math.log(73)),  # the notebook's character vocabulary
    ("06.perplexity", 1.8),
    ("06.bits", 1.8 * math.log(2)),  # multiplied instead of divided
    ("06.temperature", 0.8438),  # the softmax at temperature 1
    ("06.temperature", 0.9796),  # multiplied by the temperature instead of divided
    ("06.gru_params", 3 * 512 * (32 + 512 + 1)),  # one bias per gate
    ("06.gru_params", 62_208),  # the notebook's GRU(128)
    ("06.ngram_table", 73**3),
    ("07.majority", 0.5233),  # the whole test split, as the notebook prints it
    ("07.majority", 28 / 48),  # the minority class on those snippets
    ("07.embedding_params", 640_064),  # an invented bias
    ("07.bilstm_params", 21_696),  # one direction only
    ("07.bilstm_params", 24_832),  # the notebook's LSTM(32), as it prints it
    ("07.bilstm_shape", (16, 48)),  # one direction only
    ("07.bilstm_shape", (16, 40, 96)),  # return_sequences=True
    ("07.bow_params", 10_000),
    ("08.n_windows", 2544),  # off by one
    ("08.n_windows", 2592),  # the horizon forgotten
    ("08.weekly_lag", 168),  # hours, not quarter-hours
    ("08.weekly_lag", 336),  # half-hours, the notebook's series
    ("08.mae_in_mw", 236.474 + 4719.164),  # the mean added to an error
    ("08.mae_in_mw", 0.236474),  # left in GW
    ("08.random_walk_mse", 0.0097**2),  # the bias term forgotten (0.1 % too small)
    ("08.random_walk_mse", 0.0097),  # the standard deviation, not squared
    ("08.leaky_overlap", 30),  # the stride ignored
    ("08.leaky_overlap", 8),  # 30 / 4 rounded up
    ("08.rollout_own_forecasts", 48),  # the whole window, as if the last forecast read itself
    ("08.rollout_own_forecasts", 1),  # only the newest row
    ("09.frames_per_second", 100),  # 1 s / 10 ms, forgetting the frame length
    ("09.mel_of_4000_hz", 4000),
    ("09.ctc_min_steps", 4),  # forgetting the blank between the two 1s
    ("09.ctc_paths", 81),
    ("09.ctc_paths", 6),  # two a's and two blanks in any order: aa__ spells 'a'
    ("09.ctc_paths", 15),  # the count for 'a b'
    ("09.digit_error_rate", 0.2),
    ("09.noise_power", 0.0002),
    ("09.speaker_params", 15_561 - 3 * 64),  # reset_after=False: one bias per gate
    ("09.speaker_params", 14_976),  # the GRU alone
    ("09.speaker_params", 4713),  # the notebook's GRU(32) model
    ("10.bahdanau_params", 64 * 16 + 32 * 16),  # forgot b and w
    ("10.luong_params", 2048 + 32),  # no bias in the general score
    ("10.beam_candidates", 36),
    ("10.brevity_penalty", math.exp(1 - 8 / 10)),  # r and c swapped
    ("11.grid_cells", 6),  # one side, not the cells
    ("11.grid_cells", 16),  # the notebook's 32x32 grid
    ("11.colour_params", 96),  # forgot the biases
    ("11.one_shape_captions", (40, 36)),  # held out only once, not per size
    ("11.beam_rows", 1000),
    ("11.digit_captions", 10**5),  # only the longest numbers
    ("12.attention_scores", 4 * 1000),  # one score per token instead of per pair
    ("12.attention_scores", 1000 * 1000),  # the heads forgotten
    ("12.mha_params", 4 * 48 * 32),  # the biases forgotten
    ("12.mha_params", 3 * (48 * 32 + 32)),  # the output projection forgotten
    ("12.mha_params", 4 * (48 * 48 + 48)),  # section 1's 4 (d^2 + d): heads x key_dim taken as d
    ("12.scan_rounds", 2000),  # the steps of the loop, not the rounds of the scan
    ("12.scan_rounds", 10),  # floor(log2) instead of ceil(log2)
    ("12.kv_cache_bytes", 24 * 1024 * 2 * 4096),  # keys only
    ("12.kv_cache_bytes", 2 * 1024 * 2 * 4096),  # one layer only
    ("12.kv_cache_bytes", 2 * 24 * 1024 * 4 * 4096),  # float32, not float16
    ("12.replica_batch", 256),  # the global batch
]


# The quizzes; the coding exercises (kind "code") are tested in tests/test_coding_exercises.py.
QUIZZES = sorted(i for i, e in exercises.EXERCISES.items() if e.kind == "quiz")


def _ids(rows):
    return [f"{exercise_id}={answer!r}" for exercise_id, answer in rows]


def test_every_quiz_has_right_and_wrong_answers_in_the_tables():
    registered = set(QUIZZES)
    for name, table in (("RIGHT", RIGHT), ("WRONG", WRONG)):
        listed = {exercise_id for exercise_id, _ in table}
        assert listed == registered, (
            f"{name}: add rows for {sorted(registered - listed)}, "
            f"drop rows of unknown exercises {sorted(listed - registered)}"
        )


@pytest.mark.parametrize(("exercise_id", "answer"), RIGHT, ids=_ids(RIGHT))
def test_right_answer_passes(capsys, exercise_id, answer):
    assert exercises.check(exercise_id, answer) is True
    assert capsys.readouterr().out == f"Correct: {exercise_id}\n"


@pytest.mark.parametrize(("exercise_id", "wrong"), WRONG, ids=_ids(WRONG))
def test_common_mistake_fails_with_the_hint(capsys, exercise_id, wrong):
    assert exercises.check(exercise_id, wrong) is False
    out = capsys.readouterr().out
    assert "Hint:" in out and exercises.EXERCISES[exercise_id].hints[0] in out


@pytest.mark.parametrize("exercise_id", QUIZZES)
@pytest.mark.parametrize("missing", [None, ...], ids=["None", "Ellipsis"])
def test_no_answer_is_not_answered_yet(capsys, exercise_id, missing):
    assert exercises.check(exercise_id, missing) is False
    assert capsys.readouterr().out == f"Not answered yet: {exercises.describe(exercise_id)}\n"


def test_unknown_exercise_lists_the_known_ones():
    with pytest.raises(KeyError, match="01.rnn_params"):
        exercises.check("99.nope", 1)


def test_every_quiz_has_a_question_and_a_hint():
    for exercise_id in QUIZZES:
        ex = exercises.EXERCISES[exercise_id]
        assert exercises.describe(exercise_id).endswith("?") or "Answer" in ex.question
        assert ex.hint


NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
EXERCISE_ID = re.compile(r"""["'](\d\d\.[a-z0-9_]+)["']""")


def _checked_ids(notebook):
    """The exercise ids a notebook's code cells name, as quoted strings."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")
    return set(EXERCISE_ID.findall(code))


@pytest.mark.parametrize(
    "notebook", sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.stem
)
def test_each_notebook_checks_exactly_its_registered_exercises(notebook):
    prefix = notebook.name[:3]  # "04_" -> exercises "04.*"
    registered = {i for i in exercises.EXERCISES if i.startswith(prefix[:2] + ".")}
    checked = {i for i in _checked_ids(notebook) if i.startswith(prefix[:2] + ".")}
    assert registered, f"{notebook.name} has no registered exercises"
    assert checked == registered, (
        f"{notebook.name}: checked but not registered {sorted(checked - registered)}, "
        f"registered but never checked {sorted(registered - checked)}"
    )


def test_the_notebook_exercise_check_can_fail(tmp_path):
    notebook = tmp_path / "04_fake.ipynb"
    notebook.write_text(
        json.dumps(
            {
                "cells": [
                    {"cell_type": "code", "source": ['exercises.check("04.clipnorm", None)']},
                ]
            }
        )
    )
    assert _checked_ids(notebook) == {"04.clipnorm"}
    with pytest.raises(AssertionError, match="registered but never checked"):
        test_each_notebook_checks_exactly_its_registered_exercises(notebook)


def test_a_quiz_gives_the_idea_first_then_the_way_then_the_answer(capsys):
    quiz = exercises.EXERCISES["01.rnn_params"]
    quiz.hints_shown = 0
    exercises.check("01.rnn_params", 1)
    out = capsys.readouterr().out
    assert f"Hint: {quiz.hints[0]}" in out
    if len(quiz.hints) > 1:
        assert quiz.hint not in out and "exercises.hint('01.rnn_params')" in out
    for n, text in enumerate(quiz.hints, 1):
        exercises.hint("01.rnn_params")
        assert capsys.readouterr().out == f"Hint {n} of {len(quiz.hints)}: {text}\n"
    exercises.hint("01.rnn_params")
    assert "exercises.solution('01.rnn_params')" in capsys.readouterr().out
    exercises.solution("01.rnn_params")
    assert capsys.readouterr().out.startswith(f"01.rnn_params: {64 * (10 + 64 + 1)}. Why: ")
    quiz.hints_shown = 0
