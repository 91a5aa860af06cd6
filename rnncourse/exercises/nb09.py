"""Exercises of notebook 09 (speech recognition)."""

import itertools
import math

from rnncourse.ctc import collapse, error_rate
from rnncourse.exercises._registry import register

__all__ = []


def _frames(n_samples, frame_length, frame_step):
    return 1 + (n_samples - frame_length) // frame_step


def _hz_to_mel(hz):
    return 1127.0 * math.log1p(hz / 700.0)


def _ctc_min_steps(labels):
    """One step per symbol, plus one blank between each pair of equal neighbours."""
    return len(labels) + sum(a == b for a, b in zip(labels[:-1], labels[1:], strict=True))


@register(
    "09.frames_per_second",
    "How many log-mel frames does a clip of exactly 1.0 s at 8 kHz give, with 25 ms frames "
    "every 10 ms (no padding, a trailing partial frame dropped)?",
    "Frames of 200 samples start every 80 samples: 1 + (n - 200) // 80 for n samples.",
)
def _ex_09_frames():
    rate = 8000
    return _frames(n_samples=rate, frame_length=int(0.025 * rate), frame_step=int(0.010 * rate))


@register(
    "09.mel_of_4000_hz",
    "What is 4,000 Hz on the mel scale m = 1127 ln(1 + f / 700)? Answer with a number.",
    "ln(1 + 4000 / 700) is about 1.904; multiply by 1127.",
    compare=1e-3,
)
def _ex_09_mel():
    return _hz_to_mel(4000.0)


@register(
    "09.ctc_min_steps",
    "What is the smallest number of CTC output steps that can spell the digit string '1123'?",
    "One step per digit, and a repeated digit needs a blank step between its two copies.",
)
def _ex_09_ctc_min_steps():
    return _ctc_min_steps("1123")


@register(
    "09.ctc_paths",
    "How many paths of 4 steps over the classes {blank, a, b} collapse to 'a b'?",
    "List all 3**4 paths with itertools.product(range(3), repeat=4) and count those whose "
    "collapse(...) is [1, 2].",
)
def _ex_09_ctc_paths():
    return sum(collapse(path) == [1, 2] for path in itertools.product(range(3), repeat=4))


@register(
    "09.digit_error_rate",
    "References ['427', '90'] are recognised as ['4277', '0']. What is the digit error rate?",
    "Count the edits (one insertion, one deletion) and divide by the 5 reference digits.",
    compare=1e-9,
)
def _ex_09_der():
    return error_rate(["427", "90"], ["4277", "0"])


@register(
    "09.noise_power",
    "White noise is added at 10 dB SNR to a clip whose mean squared amplitude is 0.02. "
    "What is the noise power (its mean square)? Answer with a number.",
    "SNR in dB is 10 log10(P_signal / P_noise), so P_noise = P_signal / 10 ** (SNR / 10).",
    compare=1e-6,
)
def _ex_09_noise_power():
    return 0.02 / 10 ** (10 / 10)


@register(
    "09.speaker_params",
    "How many parameters does the speaker recogniser have: GRU(32) over 12 coefficients "
    "(Keras's default reset_after=True), then Dense(9) with a softmax?",
    "Each of the GRU's 3 gates has input weights (12 x 32), recurrent weights (32 x 32) and, "
    "with reset_after=True, two biases of 32; the Dense layer has 32 x 9 weights and 9 biases.",
)
def _ex_09_speaker_params():
    features, units, speakers = 12, 32, 9
    gru = 3 * (features * units + units * units + 2 * units)
    return gru + units * speakers + speakers
