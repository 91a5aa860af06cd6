"""rnncourse.machine: the one probe of the machine and the versions."""

import pytest

from rnncourse import machine


def test_describe_names_the_machine_and_the_versions():
    info = machine.describe()
    assert set(info) == {"cpu", "cores", "ram_bytes", "gpu", "platform", "versions"}
    assert info["cores"] >= 1 and info["cpu"]
    assert info["versions"]["numpy"] and info["versions"]["python"].count(".") == 2
    line = machine.summary_line(info)
    assert line.startswith(info["cpu"]) and f"{info['cores']} cores" in line


def test_device_names_each_gpu_tensorflow_sees(monkeypatch):
    tf = pytest.importorskip("tensorflow")
    fake = [type("Device", (), {"name": f"/physical_device:GPU:{i}"})() for i in range(2)]
    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind: fake)
    monkeypatch.setattr(
        tf.config.experimental,
        "get_device_details",
        lambda gpu: {"device_name": "H100"} if gpu is fake[0] else {},
    )
    assert machine.device() == "GPU x2 (H100, /physical_device:GPU:1)"
    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind: [])
    assert machine.device() == "CPU"
