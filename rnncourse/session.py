"""The one explicit call each notebook makes in its setup cell.

``setup()`` must run before the first ``import keras`` or ``import tensorflow``:
TensorFlow reads its logging level once, when it is first imported, and its C++
start-up lines would otherwise show as red boxes under the import cell.
"""

import contextlib
import os
import random
import re
import sys
import tempfile
import warnings

from rnncourse import checks, machine

__all__ = ["QUIET_ENV", "import_tensorflow_quietly", "setup"]

#: Environment that TensorFlow reads once, at import. ``TF_ENABLE_ONEDNN_OPTS``
#: changes the floating-point bits of some kernels, so the course pins it to the
#: same value everywhere (notebooks, tests, CI) to keep runs reproducible.
QUIET_ENV = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}

_state = {"quieted": False}  # whether setup() already ran (reruns must not warn)


def setup(seed=42, *, quiet=True, verbose=True):
    """Seed every generator, quiet TensorFlow and print versions and device.

    Args:
        seed: integer seed for Python's ``random``, NumPy and Keras (and
            TensorFlow through Keras). The same seed gives a bit-identical run
            on one CPU machine.
        quiet: set ``TF_CPP_MIN_LOG_LEVEL=3`` and ``TF_ENABLE_ONEDNN_OPTS=0``
            before TensorFlow is imported, so no C++ start-up lines appear.
        verbose: print one line with the versions and the device.

    Returns:
        A dict with ``python``, ``tensorflow``, ``keras``, ``numpy``,
        ``backend``, ``device`` and ``seed``.

    Example:
        >>> import rnncourse
        >>> info = rnncourse.setup(seed=0, verbose=False)
        >>> info["seed"]
        0
    """
    seed = checks.non_negative_int(seed, "seed", caller="setup")
    if quiet:
        if "tensorflow" in sys.modules and not _state["quieted"]:  # a rerun of setup() is fine
            warnings.warn(
                "rnncourse.setup() was called after TensorFlow was imported, so its "
                "C++ log level can no longer be changed. Call it first in the setup "
                "cell, before `import keras`.",
                stacklevel=2,
            )
        for key, value in QUIET_ENV.items():
            os.environ.setdefault(key, value)

    import numpy as np

    random.seed(seed)
    np.random.seed(seed)
    if quiet:
        import_tensorflow_quietly()
        _state["quieted"] = True
    import keras

    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        if quiet:
            tf.get_logger().setLevel("ERROR")
        # TensorFloat-32 matmuls on recent NVIDIA GPUs keep only ~10 bits of
        # mantissa; the notebooks' by-hand checks (1e-5) need full float32.
        tf.config.experimental.enable_tensor_float_32_execution(False)
    keras.utils.set_random_seed(seed)

    info = {
        "python": sys.version.split()[0],
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
        "numpy": np.__version__,
        "tensorflow": _tf_version(),
        "device": machine.device(),
        "seed": seed,
    }
    if verbose:
        print(
            f"Python {info['python']} | TensorFlow {info['tensorflow']} | "
            f"Keras {info['keras']} ({info['backend']}) | NumPy {info['numpy']} | "
            f"device: {info['device']} | seed {seed}"
        )
    return info


#: C++ start-up lines that TensorFlow writes to the process's stderr before its
#: logging is initialised, so ``TF_CPP_MIN_LOG_LEVEL`` cannot hide them.
_NOISE = re.compile(
    r"All log messages before absl::InitializeLog|cudart_stub\.cc|port\.cc:\d+\] oneDNN"
    r"|cpu_feature_guard|Could not find cuda drivers|computation_placer|TF-TRT Warning"
    r"|Unable to register cu(DNN|FFT|BLAS) factory|E0000 00:00|W0000 00:00"
)


@contextlib.contextmanager
def _quiet_native_stderr():
    """Capture file descriptor 2 during TensorFlow's first import.

    Lines that are known start-up noise are dropped; anything else (a real
    error) is written back to stderr, so nothing is lost.
    """
    try:
        fd = sys.__stderr__.fileno() if sys.__stderr__ is not None else 2
        saved = os.dup(fd)
    except (OSError, ValueError, AttributeError):
        yield  # no real file descriptor (an unusual embedding): do nothing
        return
    with tempfile.TemporaryFile(mode="w+b") as tmp:
        sys.stderr.flush()
        os.dup2(tmp.fileno(), fd)
        try:
            yield
        finally:
            os.dup2(saved, fd)
            os.close(saved)
            tmp.seek(0)
            kept = [
                line
                for line in tmp.read().decode("utf-8", "replace").splitlines()
                if line.strip() and not _NOISE.search(line)
            ]
            if kept:
                print("\n".join(kept), file=sys.stderr)


def import_tensorflow_quietly():
    """Import TensorFlow for the first time with its C++ start-up lines filtered.

    Sets ``QUIET_ENV`` (without overriding values already set) first. Returns
    the module, or ``None`` when TensorFlow is not installed.
    """
    for key, value in QUIET_ENV.items():
        os.environ.setdefault(key, value)
    if "tensorflow" in sys.modules:
        return sys.modules["tensorflow"]
    try:
        with _quiet_native_stderr():
            import tensorflow
    except ImportError:
        return None
    return tensorflow


def _tf_version():
    try:
        import tensorflow as tf
    except ImportError:
        return "not installed"
    return tf.__version__
