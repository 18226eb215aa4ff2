"""Where an image may come from: a sample name, bytes sent with the request, an upload, or a file in
the folder the operator named. Never an arbitrary path a client writes.

A path is accepted only when, with every link and ".." resolved, it lies inside an allowed root
(the app's upload folder, the ``--image-folder``). Any other path gets one and the same message,
whether or not something exists there, so the API cannot be used to ask "is there a file at
/etc/passwd?".

>>> import tempfile, os
>>> folder = tempfile.mkdtemp()
>>> src = ImageSources(folder=folder, upload_roots=())
>>> try:
...     src.resolve("/etc/passwd")
... except Exception as err:
...     print(str(err)[:75])
Images are read from uploads and the image folder only; '/etc/passwd' is ne
>>> try:
...     src.resolve(os.path.join(folder, "..", "..", "etc", "passwd"))
... except Exception as err:
...     print(str(err)[:60])
Images are read from uploads and the image folder only; '/tm
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from ..errors import ExplainerInputError
from ..recent import Recent
from .errors import TooLarge

MAX_IMAGE_BYTES = 20 * 1024 * 1024
DATA_URL = re.compile(r"data:image/[\w.+-]+;base64,", re.I)


def gradio_upload_root() -> Path:
    """Where Gradio keeps uploaded files (``GRADIO_TEMP_DIR``, else the system temp folder's gradio/)."""
    return Path(os.environ.get("GRADIO_TEMP_DIR") or Path(tempfile.gettempdir()) / "gradio")


class ImageSources:
    """Turns an API's image ``x`` into something ``load_image`` reads, within the allowed places."""

    def __init__(self, folder: str | os.PathLike | None = None, upload_roots: tuple = ()):
        self.roots = [Path(r).resolve() for r in (*upload_roots, *([folder] if folder else []))]
        self.folder = Path(folder).resolve() if folder else None

    def resolve(self, x: str, ex: Any = None) -> Any:
        """A sample name of ``ex`` (the explainer), a ``data:image/...;base64,`` URL, a name inside
        the image folder, or a path inside an allowed root -> the photo (array), its bytes or its path."""
        samples = list(getattr(ex, "sample_names", []) or [])
        text = str(x).strip()
        if text in samples:
            return ex.sample(text)
        if DATA_URL.match(text):
            return self._data_url(text)
        if len(text) > 4096:
            raise ExplainerInputError("x is too long for an image name or path; send the image as a data: URL.")
        path = Path(text)
        if self.folder is not None and not path.is_absolute():
            path = self.folder / path
        try:
            real = path.resolve()
        except (OSError, RuntimeError, ValueError):  # a link loop, a NUL in the name
            real = None
        if real is None or not any(real.is_relative_to(root) for root in self.roots):
            raise ExplainerInputError(self._refusal(text, samples))
        if not real.is_file():
            raise ExplainerInputError(f"There is no readable image called {path.name[:80]!r} in the uploads or the "
                                      "image folder.")
        if real.stat().st_size > MAX_IMAGE_BYTES:
            raise TooLarge(f"The image file is over {MAX_IMAGE_BYTES // 2**20} MB.")
        return str(real)

    def _refusal(self, text: str, samples: list[str]) -> str:
        shown = text if len(text) <= 60 else text[:57] + "..."
        where = "; the operator has not named an image folder" if self.folder is None else ""
        names = f", or give a sample name ({', '.join(samples)})" if samples else ""
        return (f"Images are read from uploads and the image folder only; {shown!r} is neither{where}. Send the "
                f"image as a data:image/...;base64 URL or upload it in the page{names}.")

    @staticmethod
    def _data_url(text: str) -> bytes:
        payload = text.split(",", 1)[1]
        if len(payload) > MAX_IMAGE_BYTES * 4 // 3 + 4:
            raise TooLarge(f"The image is over {MAX_IMAGE_BYTES // 2**20} MB.")
        try:
            return base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError):
            raise ExplainerInputError("The data: URL's image is not valid base64.") from None


class DecodedImages:
    """The last ``size`` photos decoded, found again by file (path, size and modification time) or
    by their bytes: each question about a 6000x6000 photo decoded it again, about a second of CPU,
    and a conversation asks several. The arrays are shared, so they are read-only.

    >>> import numpy as np, io
    >>> from PIL import Image
    >>> buf = io.BytesIO(); Image.fromarray(np.zeros((16, 16, 3), np.uint8)).save(buf, "PNG")
    >>> decoded = DecodedImages()
    >>> first = decoded.load(buf.getvalue())
    >>> decoded.load(buf.getvalue()) is first, first.flags.writeable
    (True, False)
    """

    def __init__(self, size: int = 8):
        self.recent = Recent(size)

    @staticmethod
    def _key(source: Any) -> tuple | None:
        if isinstance(source, bytes):
            return ("bytes", hashlib.sha1(source).hexdigest())
        if isinstance(source, (str, os.PathLike)):
            try:
                st = os.stat(source)
            except OSError:
                return None  # load_image says what is wrong with it
            return ("file", str(source), st.st_size, st.st_mtime_ns)
        return None  # an array or a PIL image is decoded already

    def load(self, source: Any) -> Any:
        """``models.image.load_image(source)[0]``, decoded once per file or bytes."""
        from ..models.image import load_image

        key = self._key(source)
        hit = self.recent.get(key) if key is not None else None
        if hit is not None:
            return hit
        array = load_image(source)[0]
        if key is not None:
            array.setflags(write=False)
            self.recent.put(key, array)
        return array
