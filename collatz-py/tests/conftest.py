"""Shared helpers: the reference data of ../shared/data and a pure-Python oracle."""

from __future__ import annotations

import pathlib
from typing import Dict, List, Tuple

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"


def load(name: str) -> List[Tuple[int, int]]:
    """The (n, a(n)) pairs of a reference file; values as exact Python ints."""
    rows = []
    for line in (DATA / f"{name}.txt").read_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        n, v = line.split()
        rows.append((int(n), int(v)))
    return rows


@pytest.fixture(scope="session")
def ref() -> Dict[str, List[Tuple[int, int]]]:
    if not DATA.is_dir():
        pytest.skip(f"reference data not found at {DATA}")
    names = ["A006577", "A006666", "A006667", "A025586", "A102419", "A126241", "A070165",
             "A005186", "A006877", "A006878", "A006884", "A006885"]
    return {name: load(name) for name in names}


def oracle(n: int) -> dict:
    """Every statistic of n by the definitions, one C-step at a time (Python ints)."""
    assert n >= 1
    x, steps, odd, mx, glide = n, 0, 0, n, None
    while x != 1:
        if x % 2:
            x = 3 * x + 1
            odd += 1
        else:
            x //= 2
        steps += 1
        mx = max(mx, x)
        if glide is None and x < n:
            glide = steps
    return {
        "total_stopping_time": steps,
        "odd_steps": odd,
        "even_steps": steps - odd,
        "max": mx,
        "stopping_time": glide or 0,
    }
