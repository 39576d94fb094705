"""Password hashing with the standard library's scrypt (no extra dependency)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import threading

_N, _R, _P = 2**14, 8, 1

# Each scrypt call takes 128·r·n = 16 MiB and a core for ~50 ms. Hashing in every thread of the pool at once
# gained nothing on a core-bound machine and left each thread's malloc arena holding its 16 MiB: the gateway
# grew to 300 MB during a bulk account registration. As many at once as there are cores.
_SLOTS = threading.BoundedSemaphore(os.cpu_count() or 1)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    with _SLOTS:
        return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p)


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = _scrypt(password, salt, _N, _R, _P)
    return f"scrypt${_N}${_R}${_P}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        actual = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
        return hmac.compare_digest(actual, base64.b64decode(digest))
    except (ValueError, TypeError):
        return False


# Verified against when the username is unknown, so a miss costs as much time as a hit.
DUMMY_HASH = hash_password("not-a-real-password")
