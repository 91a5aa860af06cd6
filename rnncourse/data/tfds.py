"""Opt-in loaders for larger public data sets from TensorFlow Datasets (TFDS).

The course runs on its own offline data (:mod:`rnncourse.data.text`). Once a
notebook works, a learner with an internet connection can scale up to a public
data set of the same kind:

- ``imdb_reviews``: 50,000 long IMDB film reviews labelled positive or negative
  (about 80 MB to download), in place of :func:`~rnncourse.data.text.load_reviews`;
- ``tiny_shakespeare``: Karpathy's 1.1 MB Shakespeare text, in place of
  :func:`~rnncourse.data.text.load_shakespeare`.

Nothing here touches the network unless you pass ``download=True``: with the
default ``download=False`` a data set that is not already prepared in the TFDS
data folder raises :class:`TFDSDownloadRequired`, which says how to opt in.
(Offline, a download attempt retries for minutes before it fails, which is why
it is never the default.) ``tensorflow_datasets`` is imported only when a
loader is called.
"""

import numpy as np

from rnncourse import checks
from rnncourse.checks import SPLITS
from rnncourse.data.text import LabelledTexts

__all__ = [
    "TFDS_DATASETS",
    "TFDSDownloadRequired",
    "load_tfds",
    "load_tfds_imdb",
    "load_tfds_tiny_shakespeare",
]

#: The TFDS data sets these loaders accept, with what a download costs.
TFDS_DATASETS = {
    "imdb_reviews": "50,000 IMDB film reviews, positive/negative; about 80 MB to download",
    "tiny_shakespeare": "Shakespeare as one text (1.1 million characters); about 1 MB to download",
}


class TFDSDownloadRequired(RuntimeError):
    """A TFDS data set is not on this machine and downloading was not allowed."""


def _import_tfds():
    try:
        import tensorflow_datasets as tfds  # heavy; imported only on use
    except ImportError as err:
        raise ImportError(
            "The TFDS loaders need tensorflow-datasets (and, with tensorflow-datasets 4.9, "
            "importlib_resources): pip install tensorflow-datasets importlib_resources. "
            f"The import failed with: {err}"
        ) from err
    return tfds


def _builder(name, download, data_dir):
    if name not in TFDS_DATASETS:
        raise ValueError(f"name must be one of {sorted(TFDS_DATASETS)}, got {name!r}.")
    if not isinstance(download, bool):
        raise TypeError(f"download must be True or False, got {download!r}.")
    tfds = _import_tfds()
    try:
        builder = tfds.builder(name, data_dir=data_dir)  # reads local files only
    except Exception as err:
        if type(err).__name__ != "VersionError":  # protobuf's runtime/gencode check
            raise
        import google.protobuf

        raise ImportError(
            "tensorflow-datasets cannot read its data set descriptions: its "
            "tensorflow-metadata was generated for a newer protobuf than the installed "
            f"protobuf {google.protobuf.__version__}. Fix it with one of: "
            "pip install 'tensorflow-metadata<1.18' (for protobuf 5), or a newer protobuf "
            "if your TensorFlow allows it. The course's own data needs neither "
            f"(rnncourse.data.text.load_reviews()). The error was: {err}"
        ) from err
    if not builder.is_prepared():
        if not download:
            raise TFDSDownloadRequired(
                f"The TFDS data set {name!r} ({TFDS_DATASETS[name]}) is not prepared in "
                f"{builder.data_dir}, and download=False, so nothing was fetched. To fetch and "
                f"prepare it once (needs the internet), pass download=True; pass data_dir=... "
                "to use another folder. To stay offline, use the course's own data "
                "(rnncourse.data.text.load_reviews() or load_shakespeare())."
            )
        builder.download_and_prepare()
    return builder


def load_tfds(name, split, *, download=False, data_dir=None, **as_dataset_kwargs):
    """Return a TFDS data set as a ``tf.data.Dataset``, downloading only on request.

    Args:
        name: ``"imdb_reviews"`` or ``"tiny_shakespeare"`` (see :data:`TFDS_DATASETS`).
        split: a TFDS split, e.g. ``"train"``, ``"train[:80%]"``, or a list of them.
        download: fetch and prepare the data set if it is not on this machine
            yet (needs the internet). ``False`` (the default) never touches the
            network.
        data_dir: the TFDS data folder (default: TFDS's own, usually
            ``~/tensorflow_datasets`` or ``$TFDS_DATA_DIR``).
        **as_dataset_kwargs: passed to ``builder.as_dataset`` (e.g.
            ``as_supervised=True``, ``shuffle_files=False``).

    Returns:
        A ``tf.data.Dataset`` (a list of them for a list of splits).

    Raises:
        TFDSDownloadRequired: the data set is not prepared and ``download`` is ``False``.
        ValueError: an unknown ``name``.

    Example:
        >>> ds = load_tfds("imdb_reviews", "test", download=True, as_supervised=True)  # doctest: +SKIP
        >>> for text, label in ds.take(1): ...  # doctest: +SKIP
    """
    builder = _builder(name, download, data_dir)
    return builder.as_dataset(split=split, **as_dataset_kwargs)


def _text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def load_tfds_imdb(download=False, data_dir=None, validation_percent=20):
    """Return the IMDB reviews in the same structure as ``load_reviews()``.

    Splits: ``train`` is the first ``100 - validation_percent`` percent of
    TFDS's ``train`` split, ``validation`` the rest of it, ``test`` TFDS's
    ``test`` split (25,000 reviews). The slicing is by position, so fixed.

    Args:
        download: allow fetching the data set (about 80 MB) if it is not on
            this machine yet; ``False`` (the default) never touches the network.
        data_dir: the TFDS data folder (default: TFDS's own).
        validation_percent: how much of TFDS's training split to hold out
            for validation, an integer from 1 to 99.

    Returns:
        ``{"train": LabelledTexts, "validation": ..., "test": ...}``: each a
        named tuple ``(texts, labels)``, a list of ``str`` and an ``int64``
        array of 0 (negative) / 1 (positive).

    Raises:
        TFDSDownloadRequired: not prepared here and ``download`` is ``False``.

    Example:
        >>> data = load_tfds_imdb(download=True)  # doctest: +SKIP
        >>> texts, labels = data["train"]  # 20,000 reviews  # doctest: +SKIP
    """
    validation_percent = checks.integer(validation_percent, "validation_percent", low=1, high=99)
    builder = _builder("imdb_reviews", download, data_dir)
    tfds = _import_tfds()
    cut = 100 - validation_percent
    tfds_splits = {"train": f"train[:{cut}%]", "validation": f"train[{cut}%:]", "test": "test"}
    out = {}
    for split in SPLITS:
        ds = builder.as_dataset(split=tfds_splits[split], as_supervised=True, shuffle_files=False)
        texts, labels = [], []
        for text, label in tfds.as_numpy(ds):
            texts.append(_text(text))
            labels.append(int(label))
        out[split] = LabelledTexts(texts=texts, labels=np.array(labels, dtype=np.int64))
    return out


def load_tfds_tiny_shakespeare(download=False, data_dir=None):
    """Return TFDS's ``tiny_shakespeare`` in the same structure as ``load_shakespeare()``.

    TFDS stores each split as one example holding the whole text (about 1.0
    million characters for training, 56 thousand each for validation and test).

    Args:
        download: allow fetching the data set (about 1 MB) if it is not on
            this machine yet; ``False`` (the default) never touches the network.
        data_dir: the TFDS data folder (default: TFDS's own).

    Returns:
        ``{"train": str, "validation": str, "test": str}``.

    Raises:
        TFDSDownloadRequired: not prepared here and ``download`` is ``False``.

    Example:
        >>> text = load_tfds_tiny_shakespeare(download=True)  # doctest: +SKIP
        >>> print(text["train"][:14])  # doctest: +SKIP
        First Citizen:
    """
    builder = _builder("tiny_shakespeare", download, data_dir)
    tfds = _import_tfds()
    out = {}
    for split in SPLITS:
        ds = builder.as_dataset(split=split, shuffle_files=False)
        out[split] = "".join(_text(example["text"]) for example in tfds.as_numpy(ds))
    return out
