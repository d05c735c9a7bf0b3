#!/usr/bin/env python3
"""Sends the payload lists that ship with Debian's attack tools (wfuzz, wapiti) through a proxy and counts
how many it refuses, per list and place. The lists are read where the packages install them; nothing of
them is copied into the project. Used by bench/attacks.sh.

Usage: replay_payloads.py PORT [--misses]
Prints one line per list: name, class, payloads, refused in the query, refused in a form body; with
--misses, also every payload that passed in the query.
"""
import configparser
import http.client
import os
import sys
import urllib.parse

WFUZZ = "/usr/share/wfuzz/wordlist"
WAPITI = "/usr/lib/python3/dist-packages/wapitiCore/data/attacks"

# list name, attack class, file, reader; the class picks the vulnerable page the payload is sent to
LISTS = [
    ("wfuzz Injections/SQL", "sqli", WFUZZ + "/Injections/SQL.txt", "lines"),
    ("wfuzz vulns/sql_inj", "sqli", WFUZZ + "/vulns/sql_inj.txt", "lines"),
    ("wapiti blindSQLPayloads", "sqli", WAPITI + "/blindSQLPayloads.txt", "lines"),
    ("wfuzz Injections/XSS", "xss", WFUZZ + "/Injections/XSS.txt", "lines"),
    ("wapiti xssPayloads", "xss", WAPITI + "/xssPayloads.ini", "ini"),
    ("wfuzz Injections/Traversal", "traversal", WFUZZ + "/Injections/Traversal.txt", "lines"),
    ("wfuzz vulns/dirTraversal-nix", "traversal", WFUZZ + "/vulns/dirTraversal-nix.txt", "lines"),
    ("wfuzz vulns/dirTraversal-win", "traversal", WFUZZ + "/vulns/dirTraversal-win.txt", "lines"),
    ("wapiti fileHandlingPayloads", "traversal", WAPITI + "/fileHandlingPayloads.ini", "ini"),
    ("wapiti execPayloads", "rce", WAPITI + "/execPayloads.txt", "lines"),
    ("wfuzz Injections/All_attack", "mixed", WFUZZ + "/Injections/All_attack.txt", "lines"),
]
PAGE = {"sqli": ("/item", "id"), "xss": ("/search", "q"), "traversal": ("/file", "name"),
        "rce": ("/ping", "host"), "mixed": ("/search", "q")}
# The tools fill these in at run time; the same values a run would use.
PLACEHOLDERS = {"[TIME]": "5", "[VALUE]": "1", "[LF]": "\n", "__XSS__": "x5s7q", "[EXTERNAL_ENDPOINT]":
                "http://attacker.example/", "[FILE_NAME]": "index.php", "[PATH_SEPARATOR]": "/",
                "[TAB]": "\t", "[FF]": "\f", "[ATTR_SEP]": "\" ", "[VALUE_SEP]": "\""}


def fill(payload):
    for k, v in PLACEHOLDERS.items():
        payload = payload.replace(k, v)
    return payload


def read(path, kind):
    if not os.path.exists(path):
        return None
    if kind == "ini":
        parser = configparser.ConfigParser(interpolation=None, strict=False)
        parser.read(path, encoding="utf-8")
        return [fill(parser[s]["payload"]) for s in parser.sections() if "payload" in parser[s]]
    with open(path, encoding="utf-8", errors="replace") as f:
        return [fill(line.rstrip("\n")) for line in f if line.strip() and not line.startswith("#!")]


def status(conn, method, target, body=None):
    headers = {"Host": "shop.example", "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, target, body=body, headers=headers)
    r = conn.getresponse()
    r.read()
    return r.status


def main():
    port = int(sys.argv[1])
    misses = "--misses" in sys.argv[2:]
    totals = {}
    print("%-30s %-10s %8s %12s %12s" % ("list", "class", "payloads", "query", "form body"))
    only = [a[7:] for a in sys.argv[2:] if a.startswith("--only=")]
    for name, cls, path, kind in LISTS:
        if only and not any(o in name for o in only):
            continue
        payloads = read(path, kind)
        if payloads is None:
            print("%-30s %-10s not installed (%s)" % (name, cls, path))
            continue
        page, arg = PAGE[cls]
        refused_q = refused_b = 0
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
        for p in payloads:
            for attempt in range(2):
                try:
                    q = status(conn, "GET", page + "?" + urllib.parse.urlencode({arg: p}))
                    b = status(conn, "POST", page, urllib.parse.urlencode({arg: p}))
                    break
                except (http.client.HTTPException, OSError):
                    conn.close()  # refused requests may close the connection; open another
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
            else:
                q = b = 0
            refused_q += q in (400, 403)
            if misses and q not in (400, 403):
                print("  %s passed (%d): %r" % (name, q, p))
            refused_b += b in (400, 403)
        conn.close()
        n = len(payloads)
        t = totals.setdefault(cls, [0, 0, 0])
        t[0] += n
        t[1] += refused_q
        t[2] += refused_b
        print("%-30s %-10s %8d %11.1f%% %11.1f%%" % (name, cls, n, 100.0 * refused_q / n, 100.0 * refused_b / n))
    print()
    for cls, (n, q, b) in totals.items():
        print("%-30s %-10s %8d %11.1f%% %11.1f%%" % ("all lists", cls, n, 100.0 * q / n, 100.0 * b / n))


if __name__ == "__main__":
    main()
