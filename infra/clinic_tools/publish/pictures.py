"""The seam between content and the image pipeline: an ImageSpec in, an `Image` document out.

Pages (`image:`) and providers (`photo:`) name pictures as ImageSpecs; what is
published for one is the API's `Image` ({url, width, height, alt, sources}).
The compiler passes `ShownPictures.image` (clinic_tools.publish.images), which
also keeps each picture it shows for the upload to media/.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from clinic_tools.publish.models import ImageSpec

# None for a document that names no picture.
Pictures = Callable[[ImageSpec | None], dict[str, Any] | None]
