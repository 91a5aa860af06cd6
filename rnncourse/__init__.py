"""rnncourse: the helper package of a notebook-first course on recurrent networks.

Importing ``rnncourse`` has no side effects: it imports neither TensorFlow nor
Keras, seeds nothing and restyles nothing. Each notebook calls
:func:`rnncourse.setup` once, in its setup cell, *before* importing Keras.

Submodules (import the ones you need, e.g. ``from rnncourse import cells``):

- ``rnncourse.session``: :func:`setup`, the one call each notebook makes.
- ``rnncourse.outcomes``: :func:`check_outcome`, which asserts a learning outcome.
- ``rnncourse.cells``: SimpleRNN, LSTM and GRU cells written from scratch.
- ``rnncourse.layers``: attention layers and a minGRU-style linear RNN.
- ``rnncourse.bptt``: backpropagation through time by hand, in NumPy.
- ``rnncourse.data``: the course's offline data sets and their loaders.
- ``rnncourse.tasks``: synthetic long-range tasks (adding, recall, copy).
- ``rnncourse.forecast``: naive forecasting baselines, ridge regression and error metrics.
- ``rnncourse.baselines``: the classical baselines an expert fits first
  (Markov count table, bag of n-grams, logistic regression, nearest neighbour).
- ``rnncourse.textgen``, ``rnncourse.ctc``, ``rnncourse.seq2seq``: sampling,
  CTC decoding and greedy/beam decoding helpers of the application notebooks.
- ``rnncourse.encoder_decoder``: teacher-forcing arrays, training and the
  one-step decoder shared by the translation (10) and captioning (11) notebooks.
- ``rnncourse.plotting`` and ``rnncourse.exercises``: shared figures and the
  exercise check functions.
- ``rnncourse.runner``: ``python -m rnncourse run``, the course runner.
- ``rnncourse.pretrain``: ``python -m rnncourse pretrain 06``, longer training of
  notebook 06's model, and the loader of its shipped weights.
- ``rnncourse.doctor``: checks an installation (``python -m rnncourse doctor``).
- ``rnncourse.lab``: where the notebooks are; ``python -m rnncourse lab`` opens them.
- ``rnncourse.machine``: the one place that asks what this machine is and
  which versions it runs (``setup()``'s line, the runner's and pretraining's records).
- ``rnncourse.checks``: the argument checks every module shares, so that a
  learner's mistake gets an error naming the argument, not a wrong answer.
"""

from importlib.metadata import PackageNotFoundError, version

from rnncourse.outcomes import check_outcome
from rnncourse.session import setup

try:  # the version is written once, in pyproject.toml; the installed metadata carries it
    __version__ = version("rnncourse")
except PackageNotFoundError:  # a source tree on sys.path that was never installed
    __version__ = "0+unknown"
__all__ = ["__version__", "check_outcome", "setup"]
