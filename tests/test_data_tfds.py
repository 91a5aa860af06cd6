"""Tests for rnncourse.data.tfds, run offline with ``tfds.testing.mock_data``.

Every test that reaches TFDS blocks Python sockets first, so a code path that
tried the network would fail at once instead of retrying for minutes.
"""

import socket
import subprocess
import sys

import numpy as np
import pytest

from rnncourse.data import tfds as course_tfds
from rnncourse.data.text import SPLITS, LabelledTexts


@pytest.fixture
def no_network(monkeypatch):
    """Refuse every attempt to reach the network, and return the list that records them."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access attempted in an offline test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


@pytest.fixture(scope="module")
def tfds():
    return pytest.importorskip("tensorflow_datasets")


def test_importing_the_module_does_not_import_tfds():
    code = (
        "import sys, rnncourse.data.tfds as m; "
        "assert 'tensorflow_datasets' not in sys.modules and 'tensorflow' not in sys.modules; "
        "print(sorted(m.TFDS_DATASETS))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "['imdb_reviews', 'tiny_shakespeare']" in result.stdout


def test_unknown_name_and_bad_arguments():
    with pytest.raises(ValueError, match="'mnist'"):
        course_tfds.load_tfds("mnist", "train")
    with pytest.raises(TypeError, match="download"):
        course_tfds.load_tfds("imdb_reviews", "train", download="yes")
    with pytest.raises(ValueError, match="validation_percent"):
        course_tfds.load_tfds_imdb(validation_percent=0)


@pytest.mark.parametrize(
    "call",
    [
        lambda d: course_tfds.load_tfds_imdb(data_dir=d),
        lambda d: course_tfds.load_tfds_tiny_shakespeare(data_dir=d),
        lambda d: course_tfds.load_tfds("imdb_reviews", "test", data_dir=d),
    ],
    ids=["imdb", "tiny_shakespeare", "load_tfds"],
)
def test_without_download_a_missing_set_raises_at_once(
    tfds, tmp_path, no_network, monkeypatch, call
):
    downloads = []
    monkeypatch.setattr(
        tfds.core.DatasetBuilder,
        "download_and_prepare",
        lambda builder, *args, **kwargs: downloads.append(builder.name),
    )
    with pytest.raises(course_tfds.TFDSDownloadRequired) as info:
        call(str(tmp_path))
    # At once: no download was started and nothing reached for the network, so
    # there is nothing to retry (offline, a download retries for minutes).
    assert downloads == [] and no_network == []
    message = str(info.value)
    assert "download=True" in message and str(tmp_path) in message
    assert "load_reviews()" in message  # points at the offline alternative
    assert list(tmp_path.iterdir()) == []  # nothing was written either


def test_imdb_with_mocked_tfds(tfds, tmp_path, no_network):
    with tfds.testing.mock_data(num_examples=6):
        data = course_tfds.load_tfds_imdb(download=True, data_dir=str(tmp_path))
    assert set(data) == set(SPLITS)
    for split in SPLITS:
        part = data[split]
        assert isinstance(part, LabelledTexts)
        texts, labels = part
        assert len(texts) == 6 and all(isinstance(t, str) for t in texts)
        assert labels.dtype == np.int64 and labels.shape == (6,)
        assert set(labels.tolist()) <= {0, 1}


def test_tiny_shakespeare_with_mocked_tfds(tfds, tmp_path, no_network):
    with tfds.testing.mock_data(num_examples=2):
        text = course_tfds.load_tfds_tiny_shakespeare(download=True, data_dir=str(tmp_path))
    assert set(text) == set(SPLITS)
    assert all(isinstance(text[s], str) and len(text[s]) > 0 for s in SPLITS)


def test_prepared_set_loads_without_download(tfds, tmp_path, no_network, monkeypatch):
    """A set already on disk loads with download=False and is never re-downloaded."""

    def must_not_download(self, *args, **kwargs):
        raise AssertionError("download_and_prepare called although download=False")

    with tfds.testing.mock_data(num_examples=3):
        builder_cls = tfds.core.DatasetBuilder
        monkeypatch.setattr(builder_cls, "is_prepared", lambda self: True)
        monkeypatch.setattr(builder_cls, "download_and_prepare", must_not_download)
        ds = course_tfds.load_tfds(
            "imdb_reviews", "test", data_dir=str(tmp_path), as_supervised=True
        )
        examples = list(tfds.as_numpy(ds))
    assert len(examples) == 3
    text, label = examples[0]
    assert isinstance(text, bytes) and int(label) in (0, 1)


def test_a_protobuf_version_clash_is_explained(monkeypatch):
    """tensorflow-metadata built for a newer protobuf fails inside tfds.builder."""

    class VersionError(Exception):  # the name protobuf's runtime check raises
        pass

    class FakeTFDS:
        @staticmethod
        def builder(name, data_dir=None):
            raise VersionError("gencode 6.31.1 runtime 5.29.6")

    monkeypatch.setattr(course_tfds, "_import_tfds", lambda: FakeTFDS)
    with pytest.raises(ImportError, match=r"tensorflow-metadata<1.18.*gencode 6.31.1"):
        course_tfds.load_tfds("imdb_reviews", "test")
