"""Tests for rnncourse.data.text: the text and translation data sets and helpers.

Besides sizes, splits and error messages, each data set must teach a tiny
NumPy model something beyond a trivial baseline, so a badly prepared file
(shuffled columns, a wrong label mapping, markdown left in the text) fails.
"""

import collections
import csv
import hashlib
import json
import re

import numpy as np
import pytest

from rnncourse.data import _store
from rnncourse.data._store import DataFileError
from rnncourse.data.text import (
    SPLITS,
    LabelledTexts,
    NumberPairs,
    SentencePairs,
    Vocabulary,
    load_number_translation,
    load_reviews,
    load_sentence_pairs,
    load_shakespeare,
    load_shakespeare_plays,
    pad_sequences,
    split_words,
)


@pytest.fixture(scope="module")
def shakespeare():
    return load_shakespeare()


@pytest.fixture(scope="module")
def reviews():
    return load_reviews()


@pytest.fixture(scope="module")
def numbers():
    return load_number_translation()


@pytest.fixture(scope="module")
def pairs():
    return load_sentence_pairs()


# ---------------------------------------------------------------- Shakespeare


def test_shakespeare_splits_are_whole_plays_of_the_documented_size(shakespeare):
    assert set(shakespeare) == set(SPLITS)
    assert {k: len(v) for k, v in shakespeare.items()} == {
        "train": 3_845_906,
        "validation": 445_521,
        "test": 490_580,
    }
    plays = load_shakespeare_plays()
    assert len(plays) == 38
    assert len({p["play"] for p in plays}) == 38
    held_out = {
        s: sorted(p["title"] for p in plays if p["split"] == s) for s in ("validation", "test")
    }
    assert held_out == {
        "validation": ["Julius Caesar", "Much Ado About Nothing", "Richard II", "The Tempest"],
        "test": ["A Winter's Tale", "Henry V", "Macbeth", "Twelfth Night"],
    }
    for split in SPLITS:
        assert shakespeare[split] == "".join(p["text"] for p in plays if p["split"] == split)


def test_shakespeare_is_clean_speeches_without_markdown(shakespeare):
    text = shakespeare["train"]
    assert text.isascii()
    for mark in ("**", "_", "#", "\\", "[", "]", "\u2014"):
        assert mark not in text, mark
    assert text.startswith("THESEUS:\nNow, fair Hippolyta, our nuptial hour\n")
    # every block is "NAME:" on its own line, then at least one spoken line
    blocks = text.rstrip("\n").split("\n\n")
    assert len(blocks) > 20_000
    bad = [b for b in blocks if not re.fullmatch(r"[^\n:]+:\n[^\n]+(\n[^\n]+)*", b)]
    assert not bad, bad[:3]
    assert "HAMLET:\nTo be, or not to be: that is the question:\n" in text


def test_shakespeare_bigram_model_beats_unigram_on_validation(shakespeare):
    vocab = Vocabulary.from_texts([shakespeare["train"]], level="char")
    assert len(vocab) == 4 + 69
    train = vocab.encode(shakespeare["train"])  # (3845906,)
    valid = vocab.encode(shakespeare["validation"])  # (445521,)
    v = len(vocab)
    unigram = np.bincount(train, minlength=v) + 1.0  # (v,) add-one smoothing
    unigram /= unigram.sum()
    bigram = np.bincount(train[:-1] * v + train[1:], minlength=v * v).reshape(v, v) + 1.0  # (v, v)
    bigram /= bigram.sum(axis=1, keepdims=True)
    nll_unigram = -np.log(unigram[valid]).mean()
    nll_bigram = -np.log(bigram[valid[:-1], valid[1:]]).mean()
    assert nll_unigram > 3.0  # about 3.2 nats per character
    assert nll_bigram < nll_unigram - 0.6  # about 2.4 nats


# -------------------------------------------------------------------- Reviews


def test_reviews_sizes_labels_and_types(reviews):
    sizes = {s: len(reviews[s].texts) for s in SPLITS}
    assert sizes == {"train": 10_164, "validation": 1_341, "test": 1_246}
    for s in SPLITS:
        part = reviews[s]
        assert isinstance(part, LabelledTexts)
        texts, labels = part
        assert labels.dtype == np.int64 and labels.shape == (len(texts),)
        assert set(np.unique(labels)) == {0, 1}
        assert all(isinstance(t, str) and t for t in texts)
    positives = sum(int(reviews[s].labels.sum()) for s in SPLITS)
    assert positives == 7_403 - 35  # fresh snippets after dropping duplicates
    assert load_reviews("test").texts == reviews["test"].texts


def test_reviews_no_snippet_or_film_in_two_splits(reviews):
    seen = {}
    for s in SPLITS:
        for t in reviews[s].texts:
            assert seen.setdefault(t.lower(), s) == s, t
    with open(_store.data_path("reviews/reviews.csv"), encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    film_split = {}
    for row in rows:
        assert film_split.setdefault(row["movie"], row["split"]) == row["split"], row["movie"]
    assert len(film_split) == 507


def test_reviews_naive_bayes_beats_majority(reviews):
    texts, labels = reviews["train"]
    vocab = Vocabulary.from_texts(texts, level="word", lower=True, min_count=2)
    counts = np.ones((2, len(vocab)))  # (classes, vocab) add-one smoothing
    for text, label in zip(texts, labels, strict=True):
        np.add.at(counts[label], vocab.encode(text), 1)
    log_word = np.log(counts / counts.sum(axis=1, keepdims=True))  # (2, vocab)
    log_prior = np.log(np.bincount(labels) / len(labels))  # (2,)
    test_texts, test_labels = reviews["test"]
    scores = np.stack(
        [log_word[:, vocab.encode(t)].sum(axis=1) + log_prior for t in test_texts]
    )  # (n, 2)
    accuracy = (scores.argmax(axis=1) == test_labels).mean()
    majority = (test_labels == np.bincount(labels).argmax()).mean()
    assert 0.5 < majority < 0.55
    assert accuracy > majority + 0.15  # about 0.73


# --------------------------------------------------------- Number translation


def test_number_translation_splits_partition_the_numbers(numbers):
    assert {s: len(numbers[s].numbers) for s in SPLITS} == {
        "train": 8000,
        "validation": 1000,
        "test": 1000,
    }
    sets = [set(numbers[s].numbers.tolist()) for s in SPLITS]
    assert sets[0] | sets[1] | sets[2] == set(range(10_000))
    assert not (sets[0] & sets[1] or sets[0] & sets[2] or sets[1] & sets[2])
    for s in SPLITS:
        part = numbers[s]
        assert isinstance(part, NumberPairs)
        assert part.numbers.dtype == np.int64
        assert np.all(np.diff(part.numbers) > 0)
        assert (
            len(part.english)
            == len(part.german)
            == len(part.german_tokens)
            == len(part.english_tokens)
        )


def test_number_translation_content(numbers):
    train = numbers["train"]
    rows = {int(n): (s, i) for s in SPLITS for i, n in enumerate(numbers[s].numbers)}
    split, i = rows[342]
    part = numbers[split]
    assert part.english[i] == "three hundred and forty-two"
    assert part.german[i] == "dreihundertzweiundvierzig"
    assert part.german_tokens[i] == "drei hundert zwei und vierzig"
    assert part.english_tokens[i] == "three hundred and forty two"
    split, i = rows[1234]
    assert numbers[split].english[i] == "one thousand, two hundred and thirty-four"
    assert numbers[split].german[i] == "eintausendzweihundertvierunddreißig"
    for s in SPLITS:
        part = numbers[s]
        for de, tokens in zip(part.german, part.german_tokens, strict=True):
            assert tokens.replace(" ", "") == de
    train_words = {w for t in train.german_tokens for w in t.split()}
    test_words = {w for t in numbers["test"].german_tokens for w in t.split()}
    assert test_words <= train_words


def _dice_dictionary(sources, targets, top=1):
    """For each source word, the target words it co-occurs with most (Dice score)."""
    n_src, n_tgt, joint = collections.Counter(), collections.Counter(), collections.Counter()
    for src, tgt in zip(sources, targets, strict=True):
        src, tgt = set(src), set(tgt)
        n_src.update(src)
        n_tgt.update(tgt)
        joint.update((a, b) for a in src for b in tgt)
    ranked = collections.defaultdict(list)
    for (a, b), c in joint.items():
        ranked[a].append((2 * c / (n_src[a] + n_tgt[b]), b))
    return {a: [b for _, b in sorted(v, reverse=True)[:top]] for a, v in ranked.items()}


def test_number_translation_word_dictionary_translates_held_out_numbers(numbers):
    train, test = numbers["train"], numbers["test"]
    table = _dice_dictionary(
        [e.split() for e in train.english_tokens], [g.split() for g in train.german_tokens]
    )
    assert table["forty"] == ["vierzig"] and table["thousand"] == ["tausend"]
    hits = 0
    for en, de in zip(test.english_tokens, test.german_tokens, strict=True):
        predicted = collections.Counter(table[w][0] for w in en.split() if w != "and")
        hits += predicted == collections.Counter(w for w in de.split() if w != "und")
    bags = collections.Counter(tuple(sorted(g.split())) for g in train.german_tokens)
    most_common = bags.most_common(1)[0][0]
    baseline = np.mean([tuple(sorted(g.split())) == most_common for g in test.german_tokens])
    assert baseline < 0.01
    assert hits / len(test.numbers) > 0.95  # 0.991: only "one" -> "ein"/"eins" is ambiguous


# ------------------------------------------------------------- Sentence pairs


def _key(sentence):
    return re.sub(r"[.?!]+$", "", sentence.lower()).strip()


def test_sentence_pairs_sizes_and_no_sentence_in_two_splits(pairs):
    assert {s: len(pairs[s].de) for s in SPLITS} == {
        "train": 12_037,
        "validation": 1_509,
        "test": 1_582,
    }
    for side in ("de", "en"):
        seen = {}
        for s in SPLITS:
            for sentence in getattr(pairs[s], side):
                assert seen.setdefault(_key(sentence), s) == s, sentence
    for s in SPLITS:
        de, en = pairs[s]
        assert isinstance(pairs[s], SentencePairs) and len(de) == len(en)
        assert len(set(zip(de, en, strict=True))) == len(de)
        for d, e in zip(de, en, strict=True):
            assert 3 <= len(d.split()) <= 15 and 1 <= len(e.split()) <= 15
            assert d[-1] in ".?!" and e[-1] in ".?!"
            assert not re.search(r"[/()\[\]{}\u2019\u201e\u201c]", d + e)


def test_sentence_pairs_max_words_filters_within_fixed_splits(pairs):
    short = load_sentence_pairs(max_words=6)
    for s in SPLITS:
        assert 0 < len(short[s].de) < len(pairs[s].de)
        assert set(zip(*short[s], strict=True)) <= set(zip(*pairs[s], strict=True))
        assert all(
            len(d.split()) <= 6 and len(e.split()) <= 6 for d, e in zip(*short[s], strict=True)
        )
    with pytest.raises(ValueError, match="max_words"):
        load_sentence_pairs(max_words=0)


def test_sentence_pairs_dictionary_retrieves_translations(pairs):
    """Word translations learned on train pick each test sentence's translation."""
    table = _dice_dictionary(
        [split_words(d, lower=True) for d in pairs["train"].de],
        [split_words(e, lower=True) for e in pairs["train"].en],
        top=3,
    )
    de, en = pairs["test"]
    en_bags = [set(split_words(e, lower=True)) for e in en]
    index = {w: i for i, w in enumerate(sorted(set().union(*en_bags)))}
    english = np.zeros((len(en), len(index)), np.float32)  # (n, words)
    guessed = np.zeros_like(english)  # (n, words)
    for i, bag in enumerate(en_bags):
        english[i, [index[w] for w in bag]] = 1.0
    for i, sentence in enumerate(de):
        for w in split_words(sentence, lower=True):
            for cand in table.get(w, []) + [w]:  # names and numbers are kept as they are
                if cand in index:
                    guessed[i, index[cand]] = 1.0
    english /= np.linalg.norm(english, axis=1, keepdims=True) + 1e-9
    guessed /= np.linalg.norm(guessed, axis=1, keepdims=True) + 1e-9
    scores = guessed @ english.T  # (n, n)
    top1 = np.mean(scores.argmax(axis=1) == np.arange(len(en)))
    assert top1 > 0.25  # 0.38 measured; chance is 1/1582


# ------------------------------------------------------------- Determinism


def test_loaders_are_deterministic(shakespeare, reviews, numbers, pairs):
    assert load_shakespeare() == shakespeare
    again = load_reviews()
    for s in SPLITS:
        assert again[s].texts == reviews[s].texts
        np.testing.assert_array_equal(again[s].labels, reviews[s].labels)
    again = load_number_translation()
    assert all(again[s].german_tokens == numbers[s].german_tokens for s in SPLITS)
    assert load_sentence_pairs() == pairs


def test_split_argument(shakespeare):
    assert load_shakespeare("validation") == shakespeare["validation"]
    for loader in (load_shakespeare, load_reviews, load_number_translation, load_sentence_pairs):
        with pytest.raises(ValueError, match="split must be one of"):
            loader("dev")


# ------------------------------------------------- Missing and corrupted files


LOADERS = [
    (load_shakespeare, "shakespeare/shakespeare.txt.gz", ["shakespeare/plays.csv"], "shakespeare"),
    (load_shakespeare, "shakespeare/plays.csv", ["shakespeare/shakespeare.txt.gz"], "shakespeare"),
    (load_reviews, "reviews/reviews.csv", [], "reviews"),
    (load_number_translation, "number_translation/numbers.csv", [], "number_translation"),
    (load_sentence_pairs, "sentence_pairs/pairs.csv", [], "sentence_pairs"),
]


@pytest.mark.parametrize("loader,relpath,others,name", LOADERS, ids=[x[1] for x in LOADERS])
def test_corrupted_file_is_refused_with_both_hashes(data_copy, loader, relpath, others, name):
    root = data_copy(relpath, *others)
    target = root / relpath
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01  # flip one bit
    target.write_bytes(bytes(data))
    expected = json.loads((root / "MANIFEST.json").read_text())["files"][relpath]["sha256"]
    actual = hashlib.sha256(bytes(data)).hexdigest()
    with pytest.raises(DataFileError) as info:
        loader()
    message = str(info.value)
    assert str(target) in message
    assert expected in message and actual in message
    assert f"python datasets/prepare/build.py {name}" in message


@pytest.mark.parametrize("loader,relpath,others,name", LOADERS, ids=[x[1] for x in LOADERS])
def test_missing_file_is_refused_with_the_rebuild_command(data_copy, loader, relpath, others, name):
    root = data_copy(*others)
    expected = json.loads((root / "MANIFEST.json").read_text())["files"][relpath]["sha256"]
    with pytest.raises(DataFileError) as info:
        loader()
    message = str(info.value)
    assert str(root / relpath) in message and "missing" in message
    assert expected in message
    assert f"python datasets/prepare/build.py {name}" in message


# --------------------------------------------------------- Vocabulary, padding


def test_vocabulary_reserved_ids_order_and_round_trip():
    vocab = Vocabulary.from_texts(["b a b c b a"], level="word")
    assert vocab.tokens == ["<pad>", "<unk>", "<start>", "<end>", "b", "a", "c"]
    assert (vocab.pad_id, vocab.unk_id, vocab.start_id, vocab.end_id) == (0, 1, 2, 3)
    ids = vocab.encode("a b z", add_start=True, add_end=True)
    assert ids.dtype == np.int32 and ids.tolist() == [2, 5, 4, 1, 3]
    assert vocab.decode(ids) == "a b <unk>"
    assert vocab.decode([5, 3, 4]) == "a"  # stops at the end token
    assert vocab.decode([5, 0, 4], skip_reserved=False) == "a <pad> b"
    chars = Vocabulary.from_texts(["hello"], level="char")
    assert chars.decode(chars.encode("hole")) == "hole"
    assert len(Vocabulary.from_texts(["aab"], level="char", min_count=2)) == 5
    assert len(Vocabulary.from_texts(["a b c d e"], level="word", max_size=6)) == 6
    assert Vocabulary.from_texts(["A a"], level="word", lower=True).tokens[4:] == ["a"]
    ws = Vocabulary.from_texts(["drei hundert zwei und vierzig"], level="word", whitespace=True)
    assert ws.encode("zwei und drei").tolist() == [
        ws.token_to_id("zwei"),
        ws.token_to_id("und"),
        ws.token_to_id("drei"),
    ]


def test_vocabulary_errors_name_the_argument():
    with pytest.raises(ValueError, match="level"):
        Vocabulary([], level="byte")
    with pytest.raises(TypeError, match="wrap it"):
        Vocabulary.from_texts("just one string")
    with pytest.raises(ValueError, match="reserved"):
        Vocabulary(["<pad>", "a"])
    with pytest.raises(ValueError, match="min_count"):
        Vocabulary.from_texts(["a"], min_count=0)


def test_split_words():
    assert split_words("Don't panic, it's fine!") == ["Don't", "panic", ",", "it's", "fine", "!"]
    assert split_words("Über Größe", lower=True) == ["über", "größe"]


def test_pad_sequences_values_and_mask():
    padded, mask = pad_sequences([[5, 6, 7], [8], []])
    assert padded.tolist() == [[5, 6, 7], [8, 0, 0], [0, 0, 0]]
    assert mask.tolist() == [[True] * 3, [True, False, False], [False] * 3]
    padded, mask = pad_sequences(
        [[1, 2, 3, 4], [9]], maxlen=2, padding="pre", truncating="pre", value=-1
    )
    assert padded.tolist() == [[3, 4], [-1, 9]]
    assert mask.tolist() == [[True, True], [False, True]]
    padded, _ = pad_sequences([[1, 2, 3]], maxlen=2)
    assert padded.tolist() == [[1, 2]]
    with pytest.raises(ValueError, match="padding"):
        pad_sequences([[1]], padding="middle")
    with pytest.raises(ValueError, match="maxlen"):
        pad_sequences([[1]], maxlen=-1)
