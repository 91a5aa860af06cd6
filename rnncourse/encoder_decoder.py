"""Train and run a Keras encoder-decoder: the helpers notebooks 10 and 11 share.

Notebook 10 translates (a GRU encoder reads the source words) and notebook 11
captions (a CNN encoder reads the image); the decoder is the same: an
``Embedding``, a ``GRU``, optional additive attention over the encoder's
outputs and a ``Dense`` head, trained with teacher forcing. These helpers do
the parts that do not change between the two:

- :func:`teacher_forcing`: decoder inputs, targets and loss weights from texts.
- :func:`drop_words`: word dropout on the decoder's inputs.
- :func:`train`: ``model.fit`` on those arrays, with a one-line log.
- :func:`make_step`: the trained decoder as a step function for
  :func:`rnncourse.seq2seq.greedy_decode` and :func:`~rnncourse.seq2seq.beam_search`.
- :func:`exact_match`: which outputs equal their reference, word for word.

The decoder model's layers are found by name: ``embed`` (or the name given),
``decoder`` (a ``GRU``), ``logits`` (a ``Dense``) and, when the model has
attention, ``attention`` (:class:`rnncourse.layers.BahdanauAttention`) and
``combine`` (a ``Dense`` on the decoder output and the context).
"""

import time

import numpy as np

from rnncourse.data.text import pad_sequences

__all__ = ["drop_words", "exact_match", "make_step", "teacher_forcing", "train"]


def teacher_forcing(texts, vocab, max_len):
    """Decoder inputs, targets and loss weights for teacher forcing.

    Each text is encoded as ``<start> words <end>`` and padded to
    ``max_len + 1`` ids; the decoder reads all but the last id and must
    predict all but the first. Padding and ``<unk>`` targets get weight 0, so
    the loss counts only real words and ``<end>``.

    Args:
        texts: the target texts (captions, translations), a list of str.
        vocab: a :class:`rnncourse.data.Vocabulary` (``encode``, ``unk_id``).
        max_len: decoder steps, int >= 1: the longest text's tokens + 1 for
            ``<end>`` (longer texts are cut).

    Returns:
        ``(dec_in, dec_out, weights)``: int32, int32 and float32 arrays, each
        ``(len(texts), max_len)``.

    Example:
        >>> from rnncourse import data
        >>> vocab = data.Vocabulary.from_texts(["a b", "b"], level="word", whitespace=True)
        >>> dec_in, dec_out, weights = teacher_forcing(["a b", "b"], vocab, 3)
        >>> dec_in.shape  # (texts, max_len)
        (2, 3)
        >>> [vocab.id_to_token(t) for t in dec_in[0]], [vocab.id_to_token(t) for t in dec_out[0]]
        (['<start>', 'a', 'b'], ['a', 'b', '<end>'])
        >>> weights[1].tolist()  # "b <end>", then padding
        [1.0, 1.0, 0.0]
    """
    full, full_mask = pad_sequences(
        [vocab.encode(t, add_start=True, add_end=True) for t in texts], maxlen=max_len + 1
    )  # (n, max_len + 1): <start> words <end> <pad>...
    dec_in, dec_out = full[:, :-1], full[:, 1:]  # (n, max_len) each, shifted by one step
    weights = (full_mask[:, 1:] & (dec_out != vocab.unk_id)).astype("float32")  # (n, max_len)
    return dec_in, dec_out, weights


def drop_words(dec_in, rate, rng, *, unk_id=1, keep_below=4):
    """Replace a share ``rate`` of the decoder's input words by ``<unk>``.

    Word dropout (Bowman et al., 2016): the decoder cannot simply continue the
    words it was fed and has to look at the encoder. Ids below ``keep_below``
    (padding, ``<unk>``, ``<start>``, ``<end>`` in a
    :class:`rnncourse.data.Vocabulary`) are never replaced.

    Args:
        dec_in: int array of decoder inputs, any shape; not modified.
        rate: share of the words to replace, in ``[0, 1]``.
        rng: a ``numpy.random.Generator``.

    Returns:
        A copy of ``dec_in`` with the dropped words set to ``unk_id``.

    Example:
        >>> import numpy as np
        >>> drop_words(np.array([[2, 7, 8, 3]]), 1.0, np.random.default_rng(0)).tolist()
        [[2, 1, 1, 3]]
    """
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"drop_words(rate=...) must lie in [0, 1], got rate={rate!r}.")
    dropped = np.array(dec_in, copy=True)
    hit = (rng.random(dropped.shape) < rate) & (dropped >= keep_below)  # (n, T)
    dropped[hit] = unk_id
    return dropped


def train(model, arrays, epochs, batch_size, *, word_dropout=0.0, seed=0, unk_id=1):
    """Fit a teacher-forced encoder-decoder and print one line of progress.

    Args:
        model: a compiled ``keras.Model`` taking ``[encoder_input, dec_in]``
            and returning next-word logits ``(batch, T, vocab)``.
        arrays: ``(encoder_input, dec_in, dec_out, weights)``, e.g. the source
            ids or the images followed by :func:`teacher_forcing`'s arrays.
        epochs, batch_size: passed to ``model.fit`` (which shuffles).
        word_dropout: share of the decoder's input words replaced by ``<unk>``
            once, before training (:func:`drop_words`). Default 0: none.
        seed: seed of the word dropout.

    Returns:
        The ``History`` of ``model.fit``.
    """
    encoder_input, dec_in, dec_out, weights = arrays
    if word_dropout:
        dec_in = drop_words(dec_in, word_dropout, np.random.default_rng(seed), unk_id=unk_id)
    start = time.perf_counter()
    history = model.fit(
        [encoder_input, dec_in],
        dec_out,
        sample_weight=weights,
        epochs=epochs,
        batch_size=batch_size,
        shuffle=True,
        verbose=0,
    )
    losses = ", ".join(f"{v:.3f}" for v in history.history["loss"])
    print(
        f"{model.name}: {epochs} epochs in {time.perf_counter() - start:.1f} s, training loss {losses}"
    )
    return history


def make_step(model, unk_id, *, embed="embed"):
    """The trained decoder as a step function: ``(tokens, states) -> (log_probs, states)``.

    The step feeds one token per row through the embedding and the GRU; with
    an ``attention`` layer it attends over the encoder's outputs and combines
    the context with the GRU output, as the model did in training. ``<unk>``
    gets log-probability about ``-1e9``, so the search never says it.

    Args:
        model: the trained ``keras.Model`` (layer names: see the module).
        unk_id: the id never to output.
        embed: the name of the decoder's ``Embedding`` layer.

    Returns:
        ``step(tokens, states)`` for :func:`rnncourse.seq2seq.greedy_decode`
        and :func:`~rnncourse.seq2seq.beam_search`. ``states`` is
        ``[h, memory]`` or ``[h, memory, memory_mask]``: the GRU state
        ``(n, units)``, the encoder's outputs ``(n, steps, dim)`` and
        optionally a boolean mask ``(n, steps)`` of the real ones. It returns
        NumPy log-probabilities ``(n, vocab)`` and the new states.
    """
    names = {layer.name for layer in model.layers}
    embedding, decoder, head = (model.get_layer(n) for n in (embed, "decoder", "logits"))
    attention = model.get_layer("attention") if "attention" in names else None
    combine = model.get_layer("combine") if attention is not None else None
    from keras import ops  # here, not at import: importing rnncourse never imports Keras

    def step(tokens, states):
        h, memory, *mask = states  # (n, U), (n, steps, dim), [(n, steps)]
        out, h = decoder(embedding(tokens[:, None]), initial_state=h)  # (n, 1, U), (n, U)
        if attention is not None:
            context, _ = attention(
                out, memory, values_mask=mask[0] if mask else None
            )  # (n, 1, dim)
            out = combine(ops.concatenate([out, context], axis=-1))  # (n, 1, U)
        logits = head(out)[:, 0]  # (n, V)
        logits = ops.where(ops.arange(logits.shape[-1]) == unk_id, -1e9, logits)  # never say <unk>
        return ops.convert_to_numpy(ops.log_softmax(logits)), [
            ops.convert_to_numpy(h),
            memory,
            *mask,
        ]

    return step


def exact_match(predictions, references):
    """Whether each prediction equals its reference exactly: a bool array ``(n,)``.

    Example:
        >>> exact_match(["a b", "c"], ["a b", "d"]).tolist()
        [True, False]
        >>> float(exact_match(["a b", "c"], ["a b", "d"]).mean())  # the exact-match rate
        0.5
    """
    return np.array(
        [p == r for p, r in zip(predictions, references, strict=True)], dtype=bool
    )  # (n,)
