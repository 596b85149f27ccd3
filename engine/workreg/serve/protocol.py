"""uvicorn's httptools protocol, answering requests it cannot parse in JSON like every other error.

uvicorn answers a request its parser refuses with a plain-text 400.  Here a Content-Length too
large to hold (``Content-Length: 10^23``) is the JSON 413 ``too-large`` any other oversize body
gets, and anything else unparseable a JSON 400 ``bad-request``.  Imported only by uvicorn, by name
(``workreg serve`` passes ``workreg.serve.protocol:JsonErrorsProtocol``), so worker processes find it.
"""

from __future__ import annotations

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class _Parser:
    """The parser, remembering why it failed (uvicorn only says the request was invalid)."""

    def __init__(self, parser, owner: "JsonErrorsProtocol") -> None:
        self._parser = parser
        self._owner = owner

    def feed_data(self, data):
        try:
            return self._parser.feed_data(data)
        except Exception as exc:
            self._owner.parse_error = str(exc)
            raise

    def __getattr__(self, name):
        return getattr(self._parser, name)


class JsonErrorsProtocol(HttpToolsProtocol):
    parse_error = ""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.parser = _Parser(self.parser, self)  # type: ignore[assignment]  # the same calls, failures kept

    def send_400_response(self, msg: str) -> None:
        from workreg.policy.format import format_json

        too_large = "content-length" in self.parse_error.lower()
        status, code = (413, "too-large") if too_large else (400, "bad-request")
        message = ("the declared Content-Length is larger than any body this server takes" if too_large
                   else f"the request is not valid HTTP ({self.parse_error or msg})")
        body = format_json({"code": code, "message": message, "hint": None, "field": None, "file": None,
                            "line": None}).encode("utf-8")
        reason = b"Content Too Large" if too_large else b"Bad Request"
        head = [b"HTTP/1.1 %d %s\r\n" % (status, reason)]
        for name, value in self.server_state.default_headers:
            head.extend([name, b": ", value, b"\r\n"])
        head.append(b"content-type: application/json\r\ncontent-length: %d\r\nconnection: close\r\n\r\n" % len(body))
        self.transport.write(b"".join(head) + body)
        self.transport.close()
