"""Uploaded files to temporary paths (streamed to disk; importers read paths)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def saved_upload(upload) -> Iterator[Path]:
    """The Streamlit UploadedFile written to a temporary file, removed afterwards."""
    suffix = Path(upload.name).suffix
    with tempfile.NamedTemporaryFile(suffix=suffix, delete=False) as tmp:
        upload.seek(0)
        shutil.copyfileobj(upload, tmp, length=16 * 1024 * 1024)
    try:
        yield Path(tmp.name)
    finally:
        Path(tmp.name).unlink(missing_ok=True)
