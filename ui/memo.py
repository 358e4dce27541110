"""``Memo``: results kept in the server process and shared by every session.

``st.cache_resource`` does the same but hashes each argument and inspects the function's
signature on every call (5-10 ms a call, tens of milliseconds of a warm page view); a
``Memo`` is handed a ready key (bytes, strings, numbers) and only looks it up.
``fingerprint`` makes the part of a key that stands for frames, dates or settings.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


def fingerprint(*parts) -> bytes:
    """A short digest of ``parts`` by their pickle (frames, dates, settings dataclasses,
    text): equal parts give equal fingerprints."""
    return hashlib.blake2b(pickle.dumps(parts), digest_size=16).digest()


class Memo:
    """At most ``limit`` results by key, the least recently used dropped first. A result
    asked for by several sessions at once is computed once: the others wait for it."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._computing: dict[Hashable, threading.Lock] = {}

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The result kept for ``key``, else ``compute()`` kept for it."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
            computing = self._computing.setdefault(key, threading.Lock())
        with computing:
            with self._lock:
                if key in self._values:  # computed by the session this one waited for
                    return self._values[key]
            try:
                value = compute()
            finally:
                with self._lock:
                    self._computing.pop(key, None)
            with self._lock:
                self._values[key] = value
                while len(self._values) > self.limit:
                    self._values.popitem(last=False)
            return value

    def drop(self, unwanted: Callable[[Hashable], bool]) -> int:
        """Forget the results whose key is ``unwanted``; how many were forgotten."""
        with self._lock:
            keys = [key for key in self._values if unwanted(key)]
            for key in keys:
                del self._values[key]
        return len(keys)

    def __len__(self) -> int:
        return len(self._values)
