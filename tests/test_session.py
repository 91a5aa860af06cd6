import os
import subprocess
import sys

import numpy as np
import pytest

import rnncourse


def test_import_has_no_side_effects():
    code = "import sys, rnncourse; print('tensorflow' in sys.modules, 'keras' in sys.modules, 'matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "False"]


def test_setup_seeds_and_reports(capsys):
    import keras

    info = rnncourse.setup(seed=7, quiet=False)
    a = (np.random.rand(3), keras.random.uniform((3,)))
    rnncourse.setup(seed=7, quiet=False, verbose=False)
    b = (np.random.rand(3), keras.random.uniform((3,)))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(a[1]), keras.ops.convert_to_numpy(b[1])
    )
    assert info["seed"] == 7 and info["device"].startswith(("CPU", "GPU"))
    assert "seed 7" in capsys.readouterr().out


@pytest.mark.parametrize("seed", [-1, 1.5, "42", True])
def test_bad_seed_is_named(seed):
    with pytest.raises(ValueError, match="non-negative int"):
        rnncourse.setup(seed=seed)


@pytest.mark.slow
def test_fresh_process_setup_prints_nothing_on_stderr():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS")
    }
    code = "import rnncourse; rnncourse.setup(0); import keras; keras.layers.LSTM(2)(keras.ops.ones((1, 3, 2)))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stderr.strip() == "", out.stderr
    assert "device: CPU" in out.stdout or "device: GPU" in out.stdout


@pytest.mark.slow
def test_setup_after_tensorflow_import_warns_once_not_on_rerun():
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    code = (
        "import warnings, tensorflow, rnncourse\n"
        "with warnings.catch_warnings(record=True) as w:\n"
        "    warnings.simplefilter('always'); rnncourse.setup(0, verbose=False)\n"
        "    rnncourse.setup(0, verbose=False)  # the learner reruns the setup cell\n"
        "    rnncourse.setup(0, verbose=False)\n"
        "print(sum('after TensorFlow was imported' in str(x.message) for x in w))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip().endswith("1")


@pytest.mark.slow
def test_rerunning_setup_in_the_right_order_never_warns():
    code = (
        "import warnings, rnncourse\n"
        "with warnings.catch_warnings(record=True) as w:\n"
        "    warnings.simplefilter('always')\n"
        "    rnncourse.setup(0, verbose=False); import keras; rnncourse.setup(0, verbose=False)\n"
        # A learner sees every warning but the DeprecationWarnings of other packages
        # (Python hides those outside __main__; e.g. pyparsing's about matplotlib).
        "shown = [x for x in w if not issubclass(x.category, DeprecationWarning)\n"
        "         or 'rnncourse' in x.filename]\n"
        "print(len(shown), [str(x.message)[:80] for x in shown])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0 []", out.stdout
