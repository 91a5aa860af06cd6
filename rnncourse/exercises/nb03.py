"""Exercises of notebook 03 (backpropagation through time).

The expected answers are computed, not stored: the gradients by a
backpropagation-through-time loop over a scalar linear RNN
``h_t = w h_{t-1} + x_t`` (with the backward pass cut at chunk boundaries for
truncated BPTT), the memory from the shape of the stored hidden states, and
the number of updates from the number of chunks.
"""

import math

from rnncourse.exercises._registry import register

__all__ = []

# The numbers each exercise gives the learner (the questions quote them).
GRAD_X, GRAD_W = (1.0, 2.0, 3.0), 0.5
TRUNC_X, TRUNC_W, TRUNC_CHUNK = (1.0, 2.0, 3.0, 4.0), 0.5, 2
MEM_BATCH, MEM_STEPS, MEM_UNITS, MEM_BYTES_PER_NUMBER = 64, 1000, 128, 4
STREAM_STEPS, STREAM_CHUNK = 10_000, 50


def linear_rnn_grad(x, w, chunk=None):
    """``dL/dw`` for ``h_t = w h_{t-1} + x_t``, ``h_0 = 0``, ``L = h_T``, by BPTT.

    Args:
        x: the inputs ``x_1 .. x_T`` (floats).
        w: the recurrent weight.
        chunk: ``None`` for full BPTT, or ``k``: the sequence is cut into chunks
            of ``k`` steps and no gradient crosses a chunk boundary (a stateful
            RNN trained on chunks of ``k`` steps).

    Returns:
        The gradient, a float.
    """
    h = [0.0]  # h[t] is h_t; h_0 = 0
    for x_t in x:
        h.append(w * h[-1] + x_t)
    steps = len(x)
    grad, dh = 0.0, 1.0  # dL/dh_T = 1
    for t in range(steps, 0, -1):  # from the last step back to the first
        grad += dh * h[t - 1]  # step t's own term: dh_t/dw with h_{t-1} held fixed
        if chunk is not None and (t - 1) % chunk == 0:
            break  # step t starts a chunk: its h_{t-1} came in as a constant state
        dh *= w  # carry the gradient back into h_{t-1}
    return grad


@register(
    "03.linear_rnn_grad",
    f"A scalar linear RNN h_t = w * h_(t-1) + x_t starts at h_0 = 0 and reads x = {GRAD_X}; "
    f"the loss is L = h_3. What is dL/dw at w = {GRAD_W}?",
    "Unroll it: h_1 = x_1, h_2 = w h_1 + x_2, h_3 = w h_2 + x_3. Either differentiate the "
    "polynomial, or sum over steps: each step t adds (dL/dh_t) * h_(t-1), with dL/dh_3 = 1 "
    "and dL/dh_(t-1) = w * dL/dh_t.",
    compare=1e-6,
    idea="Redo section 1's worked example with these numbers: the shared weight w gets one "
    "term from every step, each carried back from the loss.",
)
def _ex_03_linear_rnn_grad():
    return linear_rnn_grad(GRAD_X, GRAD_W)


@register(
    "03.truncated_grad",
    f"The same RNN reads x = {TRUNC_X} with w = {TRUNC_W} and L = h_4, but it is trained "
    f"statefully on chunks of {TRUNC_CHUNK} steps, so h_2 enters the second chunk as a "
    "constant. What gradient dL/dw does truncated BPTT compute?",
    "Only steps 3 and 4 are differentiated: dL/dw = h_3 + w * h_2, with h_2 and h_3 "
    "from the forward pass over all four steps.",
    compare=1e-6,
    idea="Section 6: in truncated BPTT the forward pass runs over everything, but the backward "
    "pass stops at the start of the last chunk; which steps still add a term?",
)
def _ex_03_truncated_grad():
    return linear_rnn_grad(TRUNC_X, TRUNC_W, chunk=TRUNC_CHUNK)


@register(
    "03.activation_bytes",
    f"BPTT keeps every hidden state for the backward pass. For a batch of {MEM_BATCH} "
    f"sequences of {MEM_STEPS:,} steps and {MEM_UNITS} units in float32 "
    f"({MEM_BYTES_PER_NUMBER} bytes a number), how many bytes do the stored hidden states take?",
    "One state of `units` numbers per sequence and per step: batch x steps x units numbers, "
    "times the bytes of one number.",
    idea="Section 7: BPTT keeps one hidden state per sequence and per step until the backward "
    "pass needs it; count the numbers first, then the bytes.",
)
def _ex_03_activation_bytes():
    return MEM_BATCH * MEM_STEPS * MEM_UNITS * MEM_BYTES_PER_NUMBER


@register(
    "03.stateful_updates",
    f"A stateful RNN is trained on one stream of {STREAM_STEPS:,} steps cut into chunks of "
    f"{STREAM_CHUNK} steps, one gradient update per chunk. How many updates does one pass "
    "over the stream make?",
    "One update per chunk: ceil(stream steps / chunk steps).",
    idea="Section 6: truncated BPTT updates the weights after every chunk, not once per sequence.",
)
def _ex_03_stateful_updates():
    return math.ceil(STREAM_STEPS / STREAM_CHUNK)
