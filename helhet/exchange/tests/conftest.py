import threading
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest

from helhet.intake.tests.conftest import world  # noqa: F401  (shared fixture)


@pytest.fixture
def receiver():
    """A webhook receiver on 127.0.0.1 that records requests.

    ``responses`` is a queue of status codes to answer with (200 when empty);
    the code ``"hang"`` holds the request open until the sender gives up.
    """
    state = SimpleNamespace(requests=[], responses=deque(), release=threading.Event())

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append(SimpleNamespace(headers=dict(self.headers), body=body))
            code = state.responses.popleft() if state.responses else 200
            if code == "hang":
                state.release.wait(5)
                return
            self.send_response(code)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    yield state
    state.release.set()
    server.shutdown()
    server.server_close()
