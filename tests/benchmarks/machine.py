"""What the benchmarks ran on: printed beside every figure, since a shared 2-core machine's speed varies."""
from __future__ import annotations

import os
import platform
from pathlib import Path


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine_facts() -> dict[str, str]:
    """nproc, CPU, memory, Python, platform, jieba version and load average."""
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    try:
        import jieba  # noqa: PLC0415

        jv = getattr(jieba, "__version__", "?")
    except ImportError:
        jv = "missing"
    nproc = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "nproc": str(nproc),
        "cpu": cpu_model(),
        "memory": mem,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "jieba": jv,
        "load average": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def machine() -> str:
    """The same facts on one line."""
    m = machine_facts()
    return (f"nproc {m['nproc']}, {m['cpu']}, {m['memory']}, Python {m['python']}, {m['platform']}; "
            f"load average {m['load average']}")
