"""A fault-free Pwned Passwords range-API mirror: one body renderer, one request router.

``body`` renders rows, ETags and padding; ``core`` turns a request into an answer (errors,
``/health``, 304s, ``Cache-Control``); ``asgi`` serves it on a production engine. The test fake
:class:`pwhygiene.testing.RangeServer` wraps the same ``core`` with fault injection.
"""

from pwhygiene._breach.mirror.asgi import MirrorApp, app_from_environment
from pwhygiene._breach.mirror.body import REAL_API_PADDING, BodyFormat, Padding, render_range
from pwhygiene._breach.mirror.core import Answer, RangeMirror, wants_padding

__all__ = [
    "REAL_API_PADDING",
    "Answer",
    "BodyFormat",
    "MirrorApp",
    "Padding",
    "RangeMirror",
    "app_from_environment",
    "render_range",
    "wants_padding",
]
