"""A file posted to the console goes on to the gateway while it arrives: never whole in the console's memory,
never written to its disk.

The browser's multipart body is parsed as a stream (python-multipart's push parser). The small fields come
first in the form (the CSRF token, then e.g. the period), so they are known — and the CSRF token checked —
before the file part begins; from then on each piece of the file is handed to the gateway request as soon as
it is parsed, in a multipart body of the console's own making (only the fields the API takes). The gateway
streams it to the service, which stores it and answers 202; reading it is the service's job (its progress is
asked for by the result page).
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import AsyncIterator

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect, Request

from .session import CSRF_FIELD

FIELD_LIMIT = 16 * 1024  # the small fields of an upload form together: a token, a period, a unit


class NotAnUpload(Exception):
    """The request is not a multipart form with the expected file field (or a field is oversized)."""


@dataclass
class _Part:
    name: str = ""
    filename: str | None = None
    content_type: str = "application/octet-stream"
    data: bytearray = field(default_factory=bytearray)


class StreamedForm:
    """Parses a multipart body chunk by chunk: small fields are collected, the file's bytes are queued."""

    def __init__(self, content_type: str, file_field: str) -> None:
        kind, options = parse_options_header(content_type.encode("latin-1"))
        if kind != b"multipart/form-data" or b"boundary" not in options:
            raise NotAnUpload("not a multipart form")
        self.file_field = file_field
        self.fields: dict[str, str] = {}
        self.filename: str | None = None
        self.file_type = "application/octet-stream"
        self.file_started = self.file_ended = False
        self.pending: list[bytes] = []
        self._part = _Part()
        self._header_field = b""
        self._header_value = b""
        self._headers: dict[bytes, bytes] = {}
        self._field_bytes = 0
        self.parser = MultipartParser(options[b"boundary"], {
            "on_part_begin": self._begin, "on_part_data": self._data, "on_part_end": self._end,
            "on_header_field": self._hfield, "on_header_value": self._hvalue, "on_header_end": self._hend,
            "on_headers_finished": self._headers_done})

    def feed(self, chunk: bytes) -> None:
        self.parser.write(chunk)

    def take(self) -> list[bytes]:
        out, self.pending = self.pending, []
        return out

    # -- parser callbacks -------------------------------------------------------------------------------------
    def _begin(self) -> None:
        self._part, self._headers = _Part(), {}

    def _hfield(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def _hvalue(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _hend(self) -> None:
        self._headers[self._header_field.lower()] = self._header_value
        self._header_field = self._header_value = b""

    def _headers_done(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        self._part.name = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" in options:
            self._part.filename = options[b"filename"].decode("utf-8", "replace")
        self._part.content_type = self._headers.get(b"content-type", b"application/octet-stream").decode("latin-1")
        if self._part.name == self.file_field:
            self.file_started, self.filename, self.file_type = True, self._part.filename, self._part.content_type

    def _data(self, data: bytes, start: int, end: int) -> None:
        if self._part.name == self.file_field:
            if not self.file_ended:
                self.pending.append(bytes(data[start:end]))
            return
        self._field_bytes += end - start
        if self._field_bytes > FIELD_LIMIT:
            raise NotAnUpload("form fields too large")
        self._part.data += data[start:end]

    def _end(self) -> None:
        if self._part.name == self.file_field:
            self.file_ended = True
        elif self._part.name:
            self.fields[self._part.name] = self._part.data.decode("utf-8", "replace").strip()


@dataclass
class Upload:
    """An upload whose small fields were read and whose file is ready to be passed on."""

    fields: dict[str, str]
    filename: str
    content_type: str
    body: AsyncIterator[bytes]
    sent: list[int]  # bytes of the file passed on so far (one element, for the bench and the logs)


async def receive(request: Request, file_field: str = "file") -> Upload:
    """Reads the request up to the start of the file part (the CSRF token and other fields are known then) and
    returns the upload whose `body` yields the gateway's multipart request while the rest arrives."""
    form = StreamedForm(request.headers.get("content-type", ""), file_field)
    stream = request.stream().__aiter__()
    try:
        while not form.file_started:
            form.feed(await stream.__anext__())
    except StopAsyncIteration:
        form.parser.finalize()
    if CSRF_FIELD not in form.fields and not form.file_started:
        raise NotAnUpload("no form fields")
    boundary = "console" + secrets.token_hex(16)
    sent = [0]
    fields = {k: v for k, v in form.fields.items() if k != CSRF_FIELD}

    async def body() -> AsyncIterator[bytes]:
        for name, value in fields.items():
            yield (f'--{boundary}\r\nContent-Disposition: form-data; name="{_quote(name)}"\r\n\r\n{value}\r\n').encode()
        yield (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{_quote(form.filename or "")}"'
               f'\r\nContent-Type: {form.file_type}\r\n\r\n').encode()
        for piece in form.take():
            sent[0] += len(piece)
            yield piece
        try:
            while not form.file_ended:
                try:
                    chunk = await stream.__anext__()
                except StopAsyncIteration:
                    break
                form.feed(chunk)
                for piece in form.take():
                    sent[0] += len(piece)
                    yield piece
        except ClientDisconnect:
            raise NotAnUpload("the browser stopped sending the file") from None
        yield f"\r\n--{boundary}--\r\n".encode()

    return Upload({**form.fields}, form.filename or "", f"multipart/form-data; boundary={boundary}", body(), sent)


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', "%22").replace("\r", " ").replace("\n", " ")
