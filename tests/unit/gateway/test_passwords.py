"""Password hashing: right answers, and never more 16 MiB scrypt computations at once than there are cores."""
import hashlib
import os
import threading
import time

from gateway import passwords


def test_a_hash_verifies_its_own_password_only():
    stored = passwords.hash_password("demo-password")
    assert passwords.verify_password("demo-password", stored)
    assert not passwords.verify_password("demo-passwore", stored)
    assert not passwords.verify_password("demo-password", "not$a$hash")


def test_a_burst_of_logins_hashes_at_most_one_per_core_at_a_time(monkeypatch):
    running = 0
    most = 0
    lock = threading.Lock()
    real = hashlib.scrypt

    def counting_scrypt(*args, **kwargs):
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        try:
            time.sleep(0.02)  # long enough for the other threads to pile up
            return real(*args, **kwargs)
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(hashlib, "scrypt", counting_scrypt)
    stored = passwords.hash_password("demo-password")
    threads = [threading.Thread(target=passwords.verify_password, args=("demo-password", stored))
               for _ in range(4 * (os.cpu_count() or 1) + 4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert 1 <= most <= (os.cpu_count() or 1)
