"""Exercises of notebook 10 (machine translation with attention)."""

import math

from rnncourse.exercises._registry import register

__all__ = []


def _bahdanau_params(query_dim, value_dim, units):
    # W_q (query_dim x units), W_v (value_dim x units), bias b (units), score vector w (units)
    return query_dim * units + value_dim * units + units + units


def _luong_general_params(query_dim, value_dim):
    # one matrix W (query_dim x value_dim), no bias
    return query_dim * value_dim


def _brevity_penalty(candidate_length, reference_length):
    if candidate_length >= reference_length:
        return 1.0
    return math.exp(1.0 - reference_length / candidate_length)


@register(
    "10.bahdanau_params",
    "How many trainable parameters does BahdanauAttention(units=16) have for queries with "
    "64 features and values with 32 features?",
    "Count W_q (query features x units), W_v (value features x units), the bias b and the "
    "score vector w (units each): query_dim x units + value_dim x units + 2 x units.",
    idea="Section 4's additive score is a small feed-forward net: count the weights of each of "
    "its parts, the bias and the score vector included.",
)
def _ex_10_bahdanau_params():
    return _bahdanau_params(query_dim=64, value_dim=32, units=16)


@register(
    "10.luong_params",
    "How many trainable parameters does LuongAttention(score='general') have for queries "
    "with 64 features and values with 32 features?",
    "The general score is q W v: one matrix that maps the query size to the value size, no "
    "bias: query_dim x value_dim.",
    idea="Section 4 mentions Luong's product score q W v_j: how large must W be to sit between "
    "a query and a value, and is anything added?",
)
def _ex_10_luong_params():
    return _luong_general_params(query_dim=64, value_dim=32)


@register(
    "10.beam_candidates",
    "Beam search with a beam width of 4 over a target vocabulary of 36 tokens: how many "
    "candidate continuations does it score at each step after the first?",
    "Every kept prefix is extended by every token of the vocabulary: beam_width x vocabulary size.",
    idea="Section 5: beam search extends each prefix it keeps before it picks the best; count "
    "the extensions it has to score.",
)
def _ex_10_beam_candidates():
    beam_width, vocab_size = 4, 36
    return beam_width * vocab_size


@register(
    "10.brevity_penalty",
    "A translation of 8 tokens is scored against a reference of 10 tokens. What is BLEU's "
    "brevity penalty?",
    "For a candidate shorter than the reference, BP = exp(1 - r / c), with r the reference "
    "length and c the candidate length; it is 1 otherwise.",
    compare=1e-3,
    idea="Section 6 (BLEU, honestly): the brevity penalty compares the output's length with the "
    "reference's and punishes only outputs that are too short; mind which length is which.",
)
def _ex_10_brevity_penalty():
    return _brevity_penalty(candidate_length=8, reference_length=10)
