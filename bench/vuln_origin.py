#!/usr/bin/env python3
"""A deliberately vulnerable origin for bench/attacks.sh, on 127.0.0.1 only.

It gives attack tools something real to find, so the bench can show what they find directly and what
they find through Palisade:
  /item?id=N            SQL injection (the id is pasted into an SQLite query; errors are shown)
  /login (POST user,pw) SQL injection in a form
  /search?q=TEXT        reflected XSS (the query is echoed without escaping)
  /file?name=NAME       path traversal, simulated: names that climb out of the directory towards
                        etc/passwd get a fake passwd line; no real file outside the sandbox is read
  /ping?host=HOST       command injection, simulated: shell metacharacters followed by `id` or a
                        sleep give fake command output or the delay; nothing is executed
  /small.txt            100 bytes, for the readiness probe
Usage: vuln_origin.py PORT
"""
import html
import re
import sqlite3
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DB = sqlite3.connect(":memory:", check_same_thread=False)
DB.executescript("""
CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, price REAL);
INSERT INTO items VALUES (1, 'lamp', 19.5), (2, 'chair', 45.0), (3, 'table', 120.0);
CREATE TABLE users (name TEXT, password TEXT);
INSERT INTO users VALUES ('alice', 'wonderland'), ('bob', 'builder');
""")
DB_LOCK = threading.Lock()

INDEX = """<html><head><title>shop</title></head><body>
<a href="/item?id=1">lamp</a> <a href="/item?id=2">chair</a>
<a href="/search?q=lamp">search</a> <a href="/file?name=readme.txt">readme</a>
<a href="/ping?host=127.0.0.1">ping</a>
<form method="POST" action="/login"><input name="user" value="alice"><input name="pw" type="password" value="x">
<input type="submit"></form>
<form method="GET" action="/search"><input name="q" value="chair"><input type="submit"></form>
</body></html>"""

CLIMB = re.compile(r"(\.\.[/\\]|%2e%2e|\.\./)", re.I)
META = re.compile(r"[;|`&$\n]|\$\(")
SLEEP = re.compile(r"sleep\s*\(?\s*(\d+)")


def query(sql):
    with DB_LOCK:
        return DB.execute(sql).fetchall()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body, ctype="text/html; charset=utf-8"):
        data = body.encode("utf-8", "replace")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        args = {k: v[0] for k, v in urllib.parse.parse_qs(url.query, keep_blank_values=True).items()}
        self.route(url.path, args)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(length, 1 << 20)).decode("utf-8", "replace")
        args = {k: v[0] for k, v in urllib.parse.parse_qs(body, keep_blank_values=True).items()}
        self.route(urllib.parse.urlsplit(self.path).path, args)

    def route(self, path, args):
        if path == "/small.txt":
            return self.answer(200, "x" * 100, "text/plain")
        if path == "/":
            return self.answer(200, INDEX)
        if path == "/item":
            try:
                rows = query("SELECT name, price FROM items WHERE id = " + args.get("id", "1"))
            except Exception as e:  # the vulnerability: the database error reaches the page
                return self.answer(500, "<p>database error: sqlite3.OperationalError: %s</p>" % html.escape(str(e)))
            return self.answer(200, "<ul>" + "".join("<li>%s %s</li>" % (html.escape(str(n)), p) for n, p in rows) + "</ul>")
        if path == "/login":
            sql = "SELECT name FROM users WHERE name = '%s' AND password = '%s'" % (args.get("user", ""), args.get("pw", ""))
            try:
                rows = query(sql)
            except Exception as e:
                return self.answer(500, "<p>database error: sqlite3.OperationalError: %s</p>" % html.escape(str(e)))
            return self.answer(200, "<p>welcome %s</p>" % html.escape(rows[0][0]) if rows else "<p>login failed</p>")
        if path == "/search":
            return self.answer(200, "<p>results for %s</p>" % args.get("q", ""))
        if path == "/file":
            name = args.get("name", "")
            if CLIMB.search(name) and "passwd" in name:
                return self.answer(200, "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n", "text/plain")
            if name == "readme.txt":
                return self.answer(200, "a readme", "text/plain")
            return self.answer(404, "<p>no such file</p>")
        if path == "/ping":
            host = args.get("host", "")
            if META.search(host):
                delay = SLEEP.search(host)
                if delay:
                    time.sleep(min(int(delay.group(1)), 10))
                if "id" in host or "whoami" in host:
                    return self.answer(200, "<pre>PING 127.0.0.1\nuid=33(www-data) gid=33(www-data) groups=33(www-data)</pre>")
            return self.answer(200, "<pre>PING %s: 1 packets transmitted, 1 received</pre>" % html.escape(host))
        return self.answer(404, "<p>not found</p>")


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    server.daemon_threads = True
    server.serve_forever()
