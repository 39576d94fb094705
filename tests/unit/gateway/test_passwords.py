"""Password hashing: right answers; scrypt's 16 MiB buffers on at most one thread per core, whatever the load."""
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


def test_a_burst_of_logins_hashes_on_at_most_one_thread_per_core(monkeypatch):
    running = 0
    most = 0
    hashing_threads = set()
    lock = threading.Lock()
    real = hashlib.scrypt

    def counting_scrypt(*args, **kwargs):
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
            hashing_threads.add(threading.get_ident())
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
    cores = os.cpu_count() or 1
    assert 1 <= most <= cores
    # Each thread that ever hashed keeps a 16 MiB buffer in its malloc arena: few threads, bounded memory.
    assert 1 <= len(hashing_threads) <= cores
