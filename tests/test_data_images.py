"""Tests for rnncourse.data.images: the captioned shape scenes and emoji."""

import gzip

import numpy as np
import pytest

from rnncourse.data import _store, images

SHAPES_SIZES = {"train": 5000, "validation": 500, "test": 1000}
EMOJI_SIZES = {"train": 1163, "validation": 147, "test": 149}


@pytest.fixture(scope="module")
def shapes():
    return images.load_shapes_captions()


@pytest.fixture(scope="module")
def emoji():
    return images.load_emoji_captions()


def _objects(part):
    """Per scene, the list of (size, colour, shape) of its objects, in caption order."""
    a = part.attributes
    out = []
    for i in range(len(part.captions)):
        objs = [(a["size1"][i], a["colour1"][i], a["shape1"][i])]
        if a["n_shapes"][i] == 2:
            objs.append((a["size2"][i], a["colour2"][i], a["shape2"][i]))
        out.append(objs)
    return out


# --- the files and their checks -------------------------------------------------------


def test_loaders_check_every_file_they_read(monkeypatch):
    seen = []

    def spy(relpath):
        seen.append(relpath)
        return _store.data_path(relpath)

    monkeypatch.setattr(images, "data_path", spy)
    images.load_shapes_captions()
    images.load_emoji_captions()
    images.load_handwritten_digits()
    manifest = _store.load_manifest()
    expected = {
        p
        for p in manifest
        if p.split("/")[0] in ("shapes_captions", "emoji_captions", "handwritten_digits")
    }
    assert set(seen) == expected and len(expected) == 6


@pytest.fixture()
def captions_copy(data_copy):
    return data_copy("shapes_captions", "emoji_captions")


def test_missing_file_names_it_and_the_rebuild_command(captions_copy):
    (captions_copy / "emoji_captions" / "emoji.csv").unlink()
    expected = _store.load_manifest(captions_copy)["emoji_captions/emoji.csv"]["sha256"]
    with pytest.raises(_store.DataFileError) as err:
        images.load_emoji_captions()
    message = str(err.value)
    assert "emoji.csv" in message and "missing" in message and expected in message
    assert "python datasets/prepare/build.py emoji_captions" in message


def test_corrupted_file_gives_both_hashes(captions_copy):
    path = captions_copy / "shapes_captions" / "scenes.csv.gz"
    text = gzip.decompress(path.read_bytes()).replace(b"big", b"bog", 1)
    path.write_bytes(gzip.compress(text, mtime=0))  # still valid gzip, different content
    expected = _store.load_manifest(captions_copy)["shapes_captions/scenes.csv.gz"]["sha256"]
    actual = _store.file_sha256(path)
    with pytest.raises(_store.DataFileError) as err:
        images.load_shapes_captions()
    message = str(err.value)
    assert str(path) in message and expected in message and actual in message
    assert "python datasets/prepare/build.py shapes_captions" in message


def test_bad_split_is_named():
    with pytest.raises(ValueError, match="'dev'"):
        images.load_shapes_captions("dev")
    with pytest.raises(ValueError, match="'dev'"):
        images.load_emoji_captions("dev")


# --- shapes --------------------------------------------------------------------------------


def test_shapes_splits_and_types(shapes):
    assert tuple(shapes) == images.SPLITS
    for split, n in SHAPES_SIZES.items():
        part = shapes[split]
        assert part.images.shape == (n, 32, 32, 3) and part.images.dtype == np.uint8
        assert len(part.captions) == n and part.heldout.shape == (n,) and part.heldout.dtype == bool
        assert all(len(v) == n for v in part.attributes.values())
    assert int(shapes["test"].heldout.sum()) == 500
    assert not shapes["train"].heldout.any() and not shapes["validation"].heldout.any()
    again = images.load_shapes_captions("test")
    np.testing.assert_array_equal(again.images, shapes["test"].images)
    assert again.captions == shapes["test"].captions


def test_captions_follow_the_grammar(shapes):
    vocab = set()
    for split in images.SPLITS:
        part = shapes[split]
        for caption, objs, rel in zip(
            part.captions, _objects(part), part.attributes["relation"], strict=True
        ):
            phrases = [f"a {s} {c} {h}" for s, c, h in objs]
            assert caption == f" {rel} ".join(phrases)
            vocab.update(caption.split())
    expected = {"a", "small", "big", "left", "of", "above", *images.COLOURS, *images.SHAPES}
    assert vocab == expected and len(vocab) == 15


def test_held_out_pairs_only_in_test(shapes):
    held = set(images.HELD_OUT_PAIRS)
    for split in ("train", "validation"):
        pairs = {(c, h) for objs in _objects(shapes[split]) for _, c, h in objs}
        assert not pairs & held
        # every colour and every shape is still seen, with other partners
        assert {c for c, _ in pairs} == set(images.COLOURS)
        assert {h for _, h in pairs} == set(images.SHAPES)
    test = shapes["test"]
    flags = [any((c, h) in held for _, c, h in objs) for objs in _objects(test)]
    np.testing.assert_array_equal(flags, test.heldout)
    seen_in_test = {(c, h) for objs in _objects(test) for _, c, h in objs}
    assert held <= seen_in_test
    train_captions = set(shapes["train"].captions)
    assert not train_captions & {c for c, f in zip(test.captions, flags, strict=True) if f}


def test_positions_match_relations(shapes):
    a = shapes["train"].attributes
    two = a["n_shapes"] == 2
    rel = np.array(a["relation"])
    assert (a["x1"][two & (rel == "left of")] < a["x2"][two & (rel == "left of")]).all()
    assert (a["y1"][two & (rel == "above")] < a["y2"][two & (rel == "above")]).all()
    assert (a["x2"][~two] == -1).all() and set(rel[~two]) == {""}


def _pixel_features(imgs):
    """Mean colour of the lit pixels, lit-pixel count, and fill/top-heaviness of the ink."""
    lit = imgs.max(axis=-1) > 80  # (n, 32, 32)
    count = lit.sum(axis=(1, 2))
    rgb = (imgs * lit[..., None]).sum(axis=(1, 2)) / np.maximum(count, 1)[:, None]
    shape = []
    for m in lit:
        ys, xs = np.nonzero(m)
        h, w = ys.max() - ys.min() + 1, xs.max() - xs.min() + 1
        middle = (ys.min() + ys.max()) / 2
        shape.append([len(ys) / (h * w), (ys < middle).mean()])
    return rgb, count, np.array(shape)


def test_a_tiny_classifier_reads_colour_size_and_shape_from_pixels(shapes):
    """Nearest centroids on three hand-made pixel features, one-shape scenes only."""
    train, test = shapes["train"], shapes["test"]
    one_tr, one_te = train.attributes["n_shapes"] == 1, test.attributes["n_shapes"] == 1
    rgb_tr, count_tr, shape_tr = _pixel_features(train.images[one_tr])
    rgb_te, count_te, shape_te = _pixel_features(test.images[one_te])
    for feats_tr, feats_te, column, values in (
        (rgb_tr, rgb_te, "colour1", images.COLOURS),
        (count_tr[:, None], count_te[:, None], "size1", images.SIZES),
        (shape_tr, shape_te, "shape1", images.SHAPES),
    ):
        y_tr = np.array(train.attributes[column])[one_tr]
        y_te = np.array(test.attributes[column])[one_te]
        scale = feats_tr.std(axis=0) + 1e-6
        centroids = np.stack([feats_tr[y_tr == v].mean(axis=0) for v in values]) / scale
        dist = ((feats_te[:, None] / scale - centroids[None]) ** 2).sum(-1)
        predicted = np.array(values)[dist.argmin(axis=1)]
        accuracy = (predicted == y_te).mean()
        assert accuracy > 0.9, (column, accuracy)  # chance is 1/5, 1/2, 1/4
        # held-out colour+shape pairs are read as well as the seen ones
        held = test.heldout[one_te]
        assert (predicted[held] == y_te[held]).mean() > 0.9, column


# --- emoji -----------------------------------------------------------------------------


def test_emoji_splits_and_captions(emoji):
    assert tuple(emoji) == images.SPLITS
    captions = []
    for split, n in EMOJI_SIZES.items():
        part = emoji[split]
        assert part.images.shape == (n, 32, 32, 3) and part.images.dtype == np.uint8
        assert len(part.captions) == len(part.emoji) == len(part.names) == n
        assert part.captions == sorted(part.captions)
        for caption, name in zip(part.captions, part.names, strict=True):
            assert 1 <= len(caption.split()) <= 3 and caption == caption.lower()
            assert caption.isascii() and name.startswith(":") and name.endswith(":")
        captions += part.captions
    assert len(captions) == len(set(captions)) == 1459  # each emoji in one split only
    test = emoji["test"]
    i = test.captions.index("grinning face")
    assert test.emoji[i] == "\U0001f600" and test.names[i] == ":grinning_face:"
    # white background in the corners, colour in the middle
    assert (emoji["test"].images[:, 0, 0] == 255).all(axis=1).mean() > 0.8  # measured 0.88
    assert emoji["test"].images[:, 12:20, 12:20].std() > 30


def test_nearest_emoji_shares_caption_words(emoji):
    """1-nearest-neighbour on raw pixels: a test emoji's nearest training emoji often
    shares a word with it (clock faces, people, hearts), far above random pairing."""
    train, test = emoji["train"], emoji["test"]
    stop = {"with", "of", "the", "a", "and", "in", "on"}

    def words(c):
        return set(c.split()) - stop

    a = train.images.reshape(len(train.images), -1).astype(np.float32)
    b = test.images.reshape(len(test.images), -1).astype(np.float32)
    dist = (b**2).sum(1)[:, None] - 2 * b @ a.T + (a**2).sum(1)[None]  # (test, train)
    nearest = dist.argmin(axis=1)
    hit = np.mean(
        [bool(words(test.captions[i]) & words(train.captions[j])) for i, j in enumerate(nearest)]
    )
    rng = np.random.default_rng(0)
    random_rates = [
        np.mean(
            [
                bool(words(c) & words(train.captions[j]))
                for c, j in zip(test.captions, rng.permutation(len(a))[: len(b)], strict=True)
            ]
        )
        for _ in range(10)
    ]
    assert hit > 0.2 > 3 * max(random_rates)  # measured 0.36 against at most 0.04


# --- handwritten digits and the numbers composed from them -----------------------------


@pytest.fixture(scope="module")
def handwriting():
    return images.load_handwritten_digits()


def test_handwritten_digits_splits_and_values(handwriting):
    sizes = {"train": 1269, "validation": 186, "test": 342}
    for split, n in sizes.items():
        part = handwriting[split]
        assert part.images.shape == (n, 8, 8) and part.images.dtype == np.uint8
        assert part.labels.shape == (n,) and set(part.labels.tolist()) == set(range(10))
    everything = np.concatenate([p.images for p in handwriting.values()])
    assert everything.min() == 0 and everything.max() == 16
    # the source's class counts (sklearn's digits: 178 zeros, 182 ones, ...)
    counts = np.bincount(np.concatenate([p.labels for p in handwriting.values()]))
    assert counts.tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    with pytest.raises(ValueError, match="'dev'"):
        images.load_handwritten_digits("dev")


def test_a_nearest_centroid_reads_single_digits(handwriting):
    train, test = handwriting["train"], handwriting["test"]
    x, y = (
        train.images.reshape(len(train.labels), -1) / 16.0,
        test.images.reshape(len(test.labels), -1) / 16.0,
    )
    centroids = np.stack([x[train.labels == d].mean(axis=0) for d in range(10)])
    accuracy = (((y[:, None] - centroids[None]) ** 2).sum(-1).argmin(1) == test.labels).mean()
    shuffled = np.random.default_rng(0).permutation(train.labels)
    control = np.stack([x[shuffled == d].mean(axis=0) for d in range(10)])
    control_accuracy = (((y[:, None] - control[None]) ** 2).sum(-1).argmin(1) == test.labels).mean()
    assert accuracy > 0.85 and control_accuracy < 0.3, (accuracy, control_accuracy)


def test_composed_numbers_place_the_right_digits(handwriting):
    part = handwriting["test"]
    numbers = images.compose_digit_strings(part, 300, seed=3)
    assert numbers.images.shape == (300, 8, 50) and numbers.images.dtype == np.float32
    assert numbers.lengths.min() == 3 and numbers.lengths.max() == 5
    pool = part.images.astype(np.float32) / 16.0
    for i, k in enumerate(numbers.lengths):
        words = numbers.texts[i].split()
        assert (
            len(words) == k
            and (numbers.labels[i, k:] == -1).all()
            and (numbers.starts[i, k:] == -1).all()
        )
        starts = numbers.starts[i, :k]
        assert starts[0] >= 0 and (np.diff(starts) >= 8).all() and (np.diff(starts) <= 10).all()
        for j, (start, label) in enumerate(zip(starts, numbers.labels[i, :k], strict=True)):
            assert words[j] == images.DIGIT_NAMES[label]
            patch = numbers.images[i, :, start : start + 8]
            matches = np.flatnonzero((pool == patch).all(axis=(1, 2)))
            assert (
                len(matches) and (part.labels[matches] == label).all()
            )  # a real digit with that label
        ink_columns = np.flatnonzero(numbers.images[i].any(axis=0))
        assert ink_columns.max() < starts[-1] + 8  # nothing drawn after the last digit


def test_composition_is_deterministic_and_checks_its_arguments(handwriting):
    a = images.compose_digit_strings(handwriting["train"], 10, seed=5)
    b = images.compose_digit_strings(handwriting["train"], 10, seed=5)
    assert a.texts == b.texts and np.array_equal(a.images, b.images)
    assert images.compose_digit_strings(handwriting["train"], 10, seed=6).texts != a.texts
    with pytest.raises(
        ValueError, match=r"width must be an integer >= 50 \(5 digits with gaps up to 2 need 50"
    ):
        images.compose_digit_strings(handwriting["train"], 2, width=30)
    with pytest.raises(ValueError, match="min_digits"):
        images.compose_digit_strings(handwriting["train"], 2, min_digits=4, max_digits=3)
    with pytest.raises(ValueError, match="load_handwritten_digits"):
        images.compose_digit_strings((np.zeros((3, 28, 28)), np.zeros(3)), 2)
