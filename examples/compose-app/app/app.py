"""The compose-app example's service.

  GET  /health  200 {"db": true, "cache": true, "greeting": ...} once both answer, else 503
  POST /visits  increments the visit counter in redis and returns it
"""

import json
import os
import socket
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DB_HOST = os.environ.get("DB_HOST", "db")
REDIS_HOST = os.environ.get("REDIS_HOST", "cache")


def redis(*args):
    """One RESP command on a fresh connection; returns the first reply line."""
    payload = f"*{len(args)}\r\n" + "".join(f"${len(str(a))}\r\n{a}\r\n" for a in args)
    with socket.create_connection((REDIS_HOST, 6379), timeout=2) as conn:
        conn.sendall(payload.encode())
        return conn.makefile("rb").readline().decode().strip()


def reachable(host, port):
    try:
        socket.create_connection((host, port), timeout=2).close()
        return True
    except OSError:
        return False


class Handler(BaseHTTPRequestHandler):
    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path != "/health":
            return self.reply(404, {"error": "not found"})
        cache = False
        try:
            cache = redis("PING") == "+PONG"
        except OSError:
            pass
        body = {"db": reachable(DB_HOST, 5432), "cache": cache, "greeting": os.environ.get("GREETING")}
        self.reply(200 if body["db"] and body["cache"] else 503, body)

    def do_POST(self):
        if self.path != "/visits":
            return self.reply(404, {"error": "not found"})
        self.reply(200, {"visits": int(redis("INCR", "visits").lstrip(":"))})

    def log_message(self, *args):
        pass


print("listening on :8000", flush=True)
ThreadingHTTPServer(("0.0.0.0", 8000), Handler).serve_forever()
