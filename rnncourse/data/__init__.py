"""The course's offline data sets: integrity checks and one loader per data set.

Every loader checks its files against ``datasets/MANIFEST.json`` before use and
never touches the network; downloads of larger public sets (TFDS) are opt-in.
"""

from rnncourse.data._store import DataFileError, data_path, datasets_root, verify

__all__ = ["DataFileError", "data_path", "datasets_root", "verify"]
