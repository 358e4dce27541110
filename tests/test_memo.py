"""ui/memo.py: results shared by every session, computed once, the oldest dropped."""

from __future__ import annotations

import threading
import time

import pytest

from ui.memo import Memo


def test_a_result_is_computed_once_and_then_read():
    memo, calls = Memo(limit=4), []
    for _ in range(3):
        assert memo.get("kpis", lambda: calls.append(1) or "figures") == "figures"
    assert calls == [1]


def test_sessions_asking_at_once_wait_for_one_computation():
    memo, calls, results = Memo(limit=4), [], []

    def slow():
        calls.append(1)
        time.sleep(0.2)
        return "figures"

    threads = [
        threading.Thread(target=lambda: results.append(memo.get("k", slow))) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert calls == [1] and results == ["figures"] * 8


def test_the_least_recently_used_result_is_dropped_beyond_the_limit():
    memo = Memo(limit=2)
    memo.get("a", lambda: 1)
    memo.get("b", lambda: 2)
    memo.get("a", lambda: 0)  # read: "b" is now the oldest
    memo.get("c", lambda: 3)
    assert len(memo) == 2
    assert memo.get("a", lambda: "recomputed") == 1
    assert memo.get("b", lambda: "recomputed") == "recomputed"


def test_a_failed_computation_is_not_kept_and_the_next_call_computes_again():
    memo = Memo(limit=2)

    def fails():
        raise ValueError("bad file")

    with pytest.raises(ValueError):
        memo.get("k", fails)
    assert len(memo) == 0
    assert memo.get("k", lambda: "ok") == "ok"
