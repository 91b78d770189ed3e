"""The HTTP server the local demo and hostile sites run on: threaded, on 127.0.0.1, in a daemon thread."""

from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer


class LocalServer(ThreadingHTTPServer):
    # socketserver's backlog of 5 drops the SYNs of a crawler's 8 parallel connections, which
    # the client's TCP resends only after a second: a real web server queues far more.
    request_queue_size = 128
    daemon_threads = True

    def start(self, name: str) -> None:
        self._thread = threading.Thread(target=self.serve_forever, name=name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join(timeout=5)
