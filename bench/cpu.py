"""CPU time per process group, read from /proc (Linux): where a benchmark's work went.

`snapshot(groups)` sums user+system seconds of each group's processes (a root pid and all
its descendants, or every process whose command starts with a name, e.g. `postgres`).
"""

from __future__ import annotations

import os
from pathlib import Path

PROC = Path("/proc")
TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def available() -> bool:
    return (PROC / "self" / "stat").exists()


def _processes() -> dict[int, tuple[int, str, float]]:
    """{pid: (parent pid, command name, cpu seconds)}"""
    out: dict[int, tuple[int, str, float]] = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        name = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        out[int(entry.name)] = (int(fields[1]), name, (int(fields[11]) + int(fields[12])) / TICK)
    return out


def snapshot(roots: dict[str, int], names: dict[str, str]) -> dict[str, dict[int, float]]:
    """CPU seconds so far of each process of each group: `roots` {group: pid, with its
    descendants}, `names` {group: command name prefix}."""
    processes = _processes()
    children: dict[int, list[int]] = {}
    for pid, (parent, _, _) in processes.items():
        children.setdefault(parent, []).append(pid)
    groups: dict[str, dict[int, float]] = {}
    for group, root in roots.items():
        stack, members = [root], {}
        while stack:
            pid = stack.pop()
            if pid in processes:
                members[pid] = processes[pid][2]
            stack.extend(children.get(pid, ()))
        groups[group] = members
    for group, prefix in names.items():
        groups[group] = {pid: cpu for pid, (_, name, cpu) in processes.items() if name.startswith(prefix)}
    return groups


def used(before: dict[str, dict[int, float]], after: dict[str, dict[int, float]]) -> dict[str, float]:
    """CPU seconds each group used between two snapshots (processes that ended in between
    are not counted; those that started are counted whole)."""
    return {
        group: sum(cpu - before.get(group, {}).get(pid, 0.0) for pid, cpu in pids.items())
        for group, pids in after.items()
    }
