"""The baseline: a bare ASGI endpoint under uvicorn that reads the body and returns a constant."""
from __future__ import annotations

BODY = b'{"status":"ok"}'


async def app(scope, receive, send) -> None:  # noqa: ANN001
    if scope["type"] != "http":
        return
    more = True
    while more:  # drain the request body, as any real endpoint must
        message = await receive()
        more = message.get("more_body", False)
    await send({"type": "http.response.start", "status": 201,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]})
    await send({"type": "http.response.body", "body": BODY})
