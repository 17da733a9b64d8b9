"""Serves the built demo (../dist) like Trunk's dev server does: a path with no file behind it gets index.html,
so the demo's own pages (/oauth/authorize, the connected app's consent page) load from a fresh navigation.

    python3 spa-server.py PORT HOST DIRECTORY
"""

import functools
import http.server
import os
import sys


class SpaHandler(http.server.SimpleHTTPRequestHandler):
    def send_head(self):
        path = self.translate_path(self.path)
        if not os.path.exists(path):
            self.path = "/index.html"
        return super().send_head()

    def log_message(self, format, *args):
        pass


if __name__ == "__main__":
    port, host, directory = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    handler = functools.partial(SpaHandler, directory=directory)
    http.server.ThreadingHTTPServer((host, port), handler).serve_forever()
