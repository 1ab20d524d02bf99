"""Getting the bytes of a data file and turning them into text.

Accepts paths, bytes and streams; enforces a size limit before reading more than it
allows (a 50 MB file is refused in milliseconds, not parsed for minutes); decodes UTF-8
(with or without BOM), UTF-16 with a BOM, and latin-1 as the fall-back; refuses binary
files (spreadsheets, images) with a message saying what to export instead.
"""

from __future__ import annotations

import os
import re

__all__ = ["MAX_BYTES", "DataError", "read_source", "decode"]

#: Default largest file :func:`~puddles.io.load_rt` reads (bytes): 20 MB, about 10^6
#: rows of a two-column file (read in about 4 s on the 2-core test machine) or 2.5 x 10^5
#: rows of a 20-column instrument file. Larger files need ``max_bytes=`` (or thinning:
#: a fit uses far fewer points anyway).
MAX_BYTES = 20_000_000


class DataError(ValueError):
    """A problem with the user's file; :func:`~puddles.io.load_rt` adds the file name."""


def _too_big(name: str, size: int | None, max_bytes: int) -> ValueError:
    what = f"is {size / 1e6:.1f} MB, larger" if size is not None else "is larger"
    return ValueError(
        f"{name}: the file {what} than the {max_bytes / 1e6:g} MB limit; "
        "thin it out (every n-th row) or pass max_bytes=... to read it anyway"
    )


def read_source(source, max_bytes: int | None = MAX_BYTES) -> tuple[str, bytes | str]:
    """Return ``(source_name, raw content)`` for any accepted kind of source.

    ``max_bytes`` (None: no limit) is checked before the content is read where the size
    is known (files) and by reading at most one byte more otherwise (streams).
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        view = memoryview(source)
        if max_bytes is not None and view.nbytes > max_bytes:
            raise _too_big("<bytes>", view.nbytes, max_bytes)
        return "<bytes>", view.tobytes()
    if isinstance(source, str) and ("\n" in source or "\r" in source):
        # A str is a path; one with line breaks is almost surely file content passed by
        # mistake, and "file not found" would be a confusing answer.
        raise ValueError(
            "load_rt() got a string with line breaks; pass a file path, the content as "
            "bytes, or wrap text in io.StringIO"
        )
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        name = os.path.basename(os.fsdecode(path)) or os.fsdecode(path)
        try:
            with open(path, "rb") as fh:
                size = os.fstat(fh.fileno()).st_size
                if max_bytes is not None and size > max_bytes:
                    raise _too_big(name, size, max_bytes)
                # A FIFO or device reports size 0: still read at most max_bytes + 1.
                content = fh.read() if max_bytes is None else fh.read(max_bytes + 1)
                if max_bytes is not None and len(content) > max_bytes:
                    raise _too_big(name, len(content), max_bytes)
                return name, content
        except FileNotFoundError:
            raise ValueError(f"{name}: file not found ({os.fsdecode(path)})") from None
        except IsADirectoryError:
            raise ValueError(f"{name}: is a folder, not a file") from None
        except OSError as exc:
            raise ValueError(f"{name}: could not be read ({exc.strerror or exc})") from None
    read = getattr(source, "read", None)
    if callable(read):
        raw_name = getattr(source, "name", None)
        name = os.path.basename(raw_name) if isinstance(raw_name, str) and raw_name else "<stream>"
        try:
            try:
                content = read() if max_bytes is None else read(max_bytes + 1)
            except TypeError:  # a minimal reader whose read() takes no size
                content = read()
        except UnicodeDecodeError:
            raise ValueError(f"{name}: not a text file (could not be decoded)") from None
        except OSError as exc:
            raise ValueError(f"{name}: could not be read ({exc})") from None
        # For a text stream this counts characters: close enough to bytes for a limit.
        if isinstance(content, (bytes, bytearray, memoryview, str)) and max_bytes is not None:
            if len(content) > max_bytes:
                raise _too_big(name, None, max_bytes)
        if isinstance(content, (bytes, bytearray, memoryview)):
            return name, memoryview(content).tobytes()
        if isinstance(content, str):
            return name, content
        raise TypeError(f"{type(source).__name__}.read() returned {type(content).__name__}, expected str or bytes")
    raise TypeError(
        "source must be a path, bytes/bytearray/memoryview, or a file-like object with "
        f".read(); got {type(source).__name__}"
    )


# Control characters that never occur in text files (tab, line feeds, form feed and the
# DOS end-of-file mark excepted). More than a few percent of them means binary data.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x19\x1b-\x1f\x7f]")


def decode(content: bytes | str) -> str:
    """Decode to text, rejecting binary files with a clear message."""
    if isinstance(content, bytes):
        if content.startswith((b"\xff\xfe", b"\xfe\xff")):
            # Excel's "Unicode text" export; its NUL bytes are not a sign of binary data.
            try:
                text = content.decode("utf-16")
            except UnicodeDecodeError:
                raise DataError("not a text file (broken UTF-16)") from None
        elif b"\x00" in content:
            raise DataError(_binary_message(content))
        else:
            try:
                text = content.decode("utf-8-sig")
            except UnicodeDecodeError:
                # latin-1 maps every byte, so old Windows/instrument files still load.
                text = content.decode("latin-1")
    else:
        text = content.removeprefix("\ufeff")
    sample = text[:8192]
    if "\x00" in text or (sample and len(_CONTROL_RE.findall(sample)) > 0.05 * len(sample)):
        raise DataError(_binary_message(content if isinstance(content, bytes) else b""))
    return text


def _binary_message(content: bytes) -> str:
    if content.startswith(b"PK\x03\x04"):
        return "this looks like a binary file (an Excel workbook or a zip archive); save it as CSV or text"
    return "this looks like a binary file, not text; export the data as CSV or text"
