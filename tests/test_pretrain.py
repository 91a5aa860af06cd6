"""The pretraining script: a short run writes loadable, byte-reproducible weights and its record;
the shipped model matches its record and the script's configuration."""

import json

import numpy as np
import pytest

from rnncourse import pretrain


@pytest.fixture(scope="module")
def short_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("pretrained")
    config = {**pretrain.CHAR_GRU_06, "units": 16, "embed_dim": 8, "epochs": 2, "batch_size": 8}
    model, record = pretrain.train_char_model(config, train_chars=4000, log=lambda line: None)
    return out, model, record


def test_short_run_records_every_pass(short_run):
    _, model, record = short_run
    assert [row["epoch"] for row in record["history"]] == [1, 2]
    assert record["parameters"] == model.count_params()
    assert record["train_characters"] == 4000
    assert {"platform", "cpus", "device"} <= set(record["machine"])
    assert record["history"][-1]["validation_nats"] < np.log(
        73
    )  # learnt something: below the uniform guess


def test_saved_weights_reload_with_the_same_bytes_and_outputs(short_run):
    import keras

    out, model, _ = short_run
    first, second = out / "a.weights.h5", out / "b.weights.h5"
    model.save_weights(first)
    model.save_weights(second)
    assert first.read_bytes() == second.read_bytes()
    loaded = pretrain.build_char_model(73, 8, 16)
    loaded.load_weights(first)
    x = np.arange(4, 24).reshape(2, 10)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(loaded(x)), keras.ops.convert_to_numpy(model(x)), atol=1e-6
    )


def test_command_line_rejects_bad_epochs(capsys):
    with pytest.raises(SystemExit):
        pretrain.main(["06", "--epochs", "0"])
    assert "--epochs must be a positive integer" in capsys.readouterr().err


def test_shipped_model_matches_its_record():
    record = pretrain.load_record()
    assert record["config"] == pretrain.CHAR_GRU_06
    assert record["command"] == "python -m rnncourse pretrain 06"
    assert len(record["history"]) == record["config"]["epochs"]
    model = pretrain.load_char_model()
    assert model.count_params() == record["parameters"]
    assert json.dumps(record)  # plain JSON
