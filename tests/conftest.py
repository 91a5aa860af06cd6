"""Shared test set-up: the same TensorFlow environment as the notebooks."""

import os

from rnncourse.session import QUIET_ENV

for _key, _value in QUIET_ENV.items():
    os.environ.setdefault(_key, _value)
