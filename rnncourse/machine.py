"""What this machine is and which versions it runs: the one place the course asks.

``setup()`` prints :func:`device` in every notebook; the course runner, the
baseline comparison and ``python -m rnncourse pretrain`` record
:func:`describe`; reports print it with :func:`summary_line` and
:func:`versions_line`. Only :func:`device` imports TensorFlow.
"""

import importlib.metadata as md
import os
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path

__all__ = ["PACKAGES", "describe", "device", "format_bytes", "summary_line", "versions_line"]

#: The distributions whose versions a record names (``None`` where not installed).
PACKAGES = ("rnncourse", "tensorflow", "keras", "numpy", "nbclient", "ipykernel")


def _cpu():
    cpu = platform.processor() or platform.machine()
    try:
        names = re.findall(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
    except OSError:  # not Linux
        names = []
    return names[0].strip() if names else cpu


def _ram_bytes():
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # not a POSIX system: unknown
        return None


def _nvidia_gpus():
    if not shutil.which("nvidia-smi"):
        return []
    query = ["nvidia-smi", "--query-gpu=name,memory.total", "--format=csv,noheader"]
    try:
        out = subprocess.run(query, capture_output=True, text=True, timeout=20, check=True)
    except (OSError, subprocess.SubprocessError):
        return []
    return [line.strip() for line in out.stdout.splitlines() if line.strip()]


def describe(packages=PACKAGES):
    """This machine (``cpu``, ``cores``, ``ram_bytes``, ``gpu``, ``platform``) and ``versions``.

    ``gpu`` lists what ``nvidia-smi`` reports (no TensorFlow import);
    ``versions`` maps ``python`` and each installed distribution in
    ``packages`` to its version (``None`` when absent).

    Example:
        >>> info = describe(packages=("numpy", "no-such-package"))
        >>> info["cores"] >= 1, info["versions"]["no-such-package"]
        (True, None)
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    versions = {"python": sys.version.split()[0]}
    for name in packages:
        try:
            versions[name] = md.version(name)
        except md.PackageNotFoundError:
            versions[name] = None
    return {
        "cpu": _cpu(),
        "cores": cores,
        "ram_bytes": _ram_bytes(),
        "gpu": _nvidia_gpus(),
        "platform": platform.platform(),
        "versions": versions,
    }


def device():
    """``"GPU x1 (name)"`` when TensorFlow sees a GPU, else ``"CPU"`` (imports TensorFlow)."""
    try:
        import tensorflow as tf
    except ImportError:
        return "CPU"
    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return "CPU"
    names = []
    for gpu in gpus:
        try:
            details = tf.config.experimental.get_device_details(gpu)
            names.append(details.get("device_name", gpu.name))
        except (RuntimeError, ValueError):
            names.append(gpu.name)
    return f"GPU x{len(gpus)} ({', '.join(names)})"


def format_bytes(n):
    """``1536 * 2**20`` -> ``"1.5 GiB"``; ``None`` -> ``"–"``.

    >>> format_bytes(1536 * 2**20), format_bytes(None)
    ('1.5 GiB', '–')
    """
    if n is None:
        return "–"
    for unit in ("B", "KiB", "MiB"):
        if n < 1024:
            return f"{n:.0f} {unit}"
        n /= 1024
    return f"{n:.1f} GiB"


def summary_line(info):
    """One line naming the machine of :func:`describe`.

    >>> summary_line({"cpu": "AMD EPYC", "cores": 2, "ram_bytes": 24 * 2**30, "gpu": []})
    'AMD EPYC, 2 cores, 24.0 GiB RAM, no GPU'
    """
    parts = [info.get("cpu") or "unknown CPU", f"{info.get('cores', '?')} cores"]
    if info.get("ram_bytes"):
        parts.append(f"{format_bytes(info['ram_bytes'])} RAM")
    parts.append("GPU: " + "; ".join(info["gpu"]) if info.get("gpu") else "no GPU")
    return ", ".join(parts)


def versions_line(info):
    """The versions of :func:`describe` as one line.

    >>> versions_line({"versions": {"python": "3.11.7", "keras": "3.13.0", "jax": None}})
    'Python 3.11.7, keras 3.13.0'
    """
    versions = info.get("versions") or {}
    return ", ".join(
        [f"Python {versions.get('python', '?')}"]
        + [f"{k} {v}" for k, v in versions.items() if k != "python" and v]
    )
