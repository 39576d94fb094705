"""A test-only TCP round robin in front of a service's replicas, for a gateway that takes one URL per service.

Each new connection goes to the next replica that accepts it; a replica that refuses (killed) is skipped. A
connection open to a replica that dies breaks, as it would through any load balancer: the gateway answers 502 and
the caller retries. Only for the tests: the platform's own answer is the gateway's list of replica URLs.
"""
from __future__ import annotations

import itertools
import socket
import threading


class RoundRobin:
    def __init__(self, backends: list[tuple[str, int]]) -> None:
        self.backends = backends
        self._next = itertools.cycle(range(len(backends)))
        self._lock = threading.Lock()
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self._closed = threading.Event()
        threading.Thread(target=self._accept, daemon=True, name=f"round-robin-{self.port}").start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self._closed.set()
        self._server.close()

    def _connect(self) -> socket.socket | None:
        with self._lock:
            order = [next(self._next) for _ in self.backends]
        for i in order:
            try:
                return socket.create_connection(self.backends[i], timeout=5)
            except OSError:
                continue
        return None

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            upstream = self._connect()
            if upstream is None:
                client.close()
                continue
            upstream.settimeout(None)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pipe, args=(a, b), daemon=True).start()


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for s in (source, sink):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        source.close()
