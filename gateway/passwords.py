"""Password hashing with the standard library's scrypt (no extra dependency)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
from concurrent.futures import ThreadPoolExecutor

_N, _R, _P = 2**14, 8, 1

# Each scrypt call takes 128·r·n = 16 MiB and a core for ~50 ms. Run in the request threads, every one of the
# pool's threads that ever hashed kept its 16 MiB in its own malloc arena (glibc stops using mmap for a size
# once such a block was freed): 60 concurrent account creations left the gateway at 932 MB peak, 720 MB after.
# Hashing on a few threads of their own bounds both the memory and the CPU taken: one per core.
_HASHER = ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="scrypt")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return _HASHER.submit(hashlib.scrypt, password.encode(), salt=salt, n=n, r=r, p=p).result()


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
