"""A small test helper for Keras layers, on public Keras APIs only.

Used by the tests of ``rnncourse.cells`` and ``rnncourse.layers``:
outputs to NumPy, weight copies, the config round trip and the ``.keras``
save/load round trip (safe mode on).
"""

import keras
import numpy as np

__all__ = [
    "assert_config_roundtrip",
    "assert_saved_model_roundtrip",
    "backend",
    "max_abs_diff",
    "randomize_weights",
    "to_numpy",
]


def backend():
    """The name of the Keras backend in use ("tensorflow", "jax", ...)."""
    return keras.backend.backend()


def to_numpy(outputs):
    """Convert a tensor, or a (nested) list/tuple of tensors, to NumPy arrays."""
    if isinstance(outputs, (list, tuple)):
        return [to_numpy(o) for o in outputs]
    return np.asarray(keras.ops.convert_to_numpy(outputs))


def max_abs_diff(a, b):
    """Largest absolute difference between two outputs of the same structure."""
    a, b = to_numpy(a), to_numpy(b)
    if isinstance(a, list) or isinstance(b, list):
        assert isinstance(a, list) and isinstance(b, list), (type(a), type(b))
        assert len(a) == len(b), f"{len(a)} outputs against {len(b)}"
        return max(max_abs_diff(x, y) for x, y in zip(a, b, strict=True))
    assert a.shape == b.shape, f"shapes differ: {a.shape} and {b.shape}"
    return float(np.max(np.abs(a.astype(np.float64) - b.astype(np.float64)), initial=0.0))


def randomize_weights(layer, seed=0, scale=0.5):
    """Give a built layer normal(0, scale) weights (away from the initializers)."""
    rng = np.random.default_rng(seed)
    layer.set_weights(
        [(scale * rng.normal(size=w.shape)).astype(w.dtype) for w in layer.get_weights()]
    )


def assert_config_roundtrip(layer):
    """``from_config(get_config())`` rebuilds a layer with the same config."""
    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert type(clone) is type(layer)
    assert clone.get_config() == config
    return clone


def assert_saved_model_roundtrip(model, x, path, atol=1e-6):
    """Save ``model`` as ``.keras``, load it with safe mode on, compare outputs.

    Args:
        model: a built Keras model.
        x: inputs for one batch.
        path: a ``pathlib.Path`` to a ``.keras`` file to write.
        atol: largest allowed absolute difference.

    Returns:
        The loaded model.
    """
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    diff = max_abs_diff(model(x), loaded(x))
    assert diff <= atol, f"outputs differ by {diff} after the .keras round trip"
    return loaded
