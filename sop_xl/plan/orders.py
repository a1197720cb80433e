"""Planned and firm orders as column arrays, the record MRP makes and pegging reads."""

from __future__ import annotations

import numpy as np


def order_columns(orders: dict[str, np.ndarray], release_bucket: np.ndarray,
                  yields: np.ndarray) -> dict[str, np.ndarray]:
    """The orders' columns plus release_bucket (−1: past due) and release_qty."""
    pos, due = orders["pos"], orders["due_bucket"]
    return {**orders, "release_bucket": release_bucket[pos, due],
            "release_qty": orders["qty"] * yields[pos]}
