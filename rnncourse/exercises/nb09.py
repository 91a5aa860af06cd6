"""Exercises of notebook 09 (speech recognition)."""

import itertools
import math

from rnncourse.ctc import collapse, error_rate
from rnncourse.exercises._registry import register

__all__ = []

_PATH_STEPS, _PATH_TARGET = 4, [1, 1]  # 'a a'; section 8 prints the count for 'a b'
_SPEAKER_UNITS = 64  # section 5 prints the count of a bidirectional GRU(48) word model


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
    "Frames of frame_length samples start every frame_step samples: "
    "1 + (n - frame_length) // frame_step for n samples, with both lengths in samples "
    "(milliseconds x 8 samples per millisecond).",
    idea="Section 2 cuts the waveform into overlapping frames (frame_signal): count how many "
    "whole frames fit into the clip, not how many times 10 ms goes into it.",
)
def _ex_09_frames():
    rate = 8000
    return _frames(n_samples=rate, frame_length=int(0.025 * rate), frame_step=int(0.010 * rate))


@register(
    "09.mel_of_4000_hz",
    "What is 4,000 Hz on the mel scale m = 1127 ln(1 + f / 700)? Answer with a number.",
    "Divide f by 700, add 1, take the natural logarithm (np.log, not np.log10) and multiply "
    "by 1127.",
    compare=1e-3,
    idea="Section 2 prints a few frequencies on the mel scale with its hz_to_mel; 4,000 Hz, "
    "half the sample rate, is the top of its filter bank.",
)
def _ex_09_mel():
    return _hz_to_mel(4000.0)


@register(
    "09.ctc_min_steps",
    "What is the smallest number of CTC output steps that can spell the digit string '1123'?",
    "One step per digit, plus one blank step between each pair of equal neighbours "
    "(a repeated digit's two copies).",
    idea="Section 8's collapse rule merges repeated symbols: what must a path put between "
    "two copies of the same digit?",
)
def _ex_09_ctc_min_steps():
    return _ctc_min_steps("1123")


@register(
    "09.ctc_paths",
    f"How many paths of {_PATH_STEPS} steps over the classes {{blank, a, b}} collapse to 'a a'?",
    f"List all 3**{_PATH_STEPS} paths with itertools.product(range(3), repeat={_PATH_STEPS}) "
    f"and count those whose collapse(...) is {_PATH_TARGET}: the two a's must be separated by "
    "at least one blank, and no b may appear.",
    idea="Section 8 counts the paths that spell 'a b' by listing them all; here the target "
    "repeats a symbol, so mind what collapse does to repeats.",
)
def _ex_09_ctc_paths():
    return sum(
        collapse(path) == _PATH_TARGET for path in itertools.product(range(3), repeat=_PATH_STEPS)
    )


@register(
    "09.digit_error_rate",
    "References ['427', '90'] are recognised as ['4277', '0']. What is the digit error rate?",
    "Sum the edit distances of the pairs (the fewest insertions, deletions and substitutions "
    "that turn each reference into its hypothesis) and divide by the total number of "
    "reference digits.",
    compare=1e-9,
    idea="Section 9 defines the digit error rate: edits counted over all the strings together, "
    "relative to the true digits, not an average of per-string rates.",
)
def _ex_09_der():
    return error_rate(["427", "90"], ["4277", "0"])


@register(
    "09.noise_power",
    "White noise is added at 10 dB SNR to a clip whose mean squared amplitude is 0.02. "
    "What is the noise power (its mean square)? Answer with a number.",
    "SNR in dB is 10 log10(P_signal / P_noise), so P_noise = P_signal / 10 ** (SNR / 10).",
    compare=1e-6,
    idea="Section 7 defines the SNR in decibels as a ratio of powers: solve that definition "
    "for the noise power.",
)
def _ex_09_noise_power():
    return 0.02 / 10 ** (10 / 10)


@register(
    "09.speaker_params",
    f"A speaker recogniser reads 12 cepstral coefficients per frame (like MFCCs) with "
    f"GRU({_SPEAKER_UNITS}) (Keras's default reset_after=True), then Dense(9) with a softmax "
    "for nine speakers: how many parameters has it?",
    "Each of the GRU's 3 gates has input weights (d x n), recurrent weights (n x n) and, "
    "with reset_after=True, two biases of n; the Dense layer has n x k weights and k biases: "
    "3 (d n + n^2 + 2 n) + n k + k.",
    idea="Notebook 05 counts a GRU's parameters, and section 5 prints the count of its word "
    "recogniser (a bidirectional GRU is two GRUs): count the same pieces for one GRU over 12 "
    "inputs, then add the Dense layer.",
)
def _ex_09_speaker_params():
    features, units, speakers = 12, _SPEAKER_UNITS, 9
    gru = 3 * (features * units + units * units + 2 * units)
    return gru + units * speakers + speakers
