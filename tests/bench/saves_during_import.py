#!/usr/bin/env python3
"""Answer saves from a logged-in drafter while `pubcom import comments` runs on the same
database: counts the HTTP statuses of the saves and reports the import's exit code and time.

    python3 tests/bench/saves_during_import.py BASE_URL PUBCOM DATABASE FILE SLUG

BASE_URL is a running `pubcom serve` on DATABASE (made with `pubcom demo --no-serve`: the
drafter of mhlw-gl6 saves answers to Nos. 1-20 in turn).
"""
import collections, http.cookiejar, re, subprocess, sys, threading, time, urllib.parse, urllib.request

base, pubcom, database, file, slug = sys.argv[1:6]
jar = http.cookiejar.CookieJar()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)


def request(path, data=None):
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        r = opener.open(base + path, body, timeout=120)
        return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


csrf = lambda page: re.search(r'name="csrf" value="([^"]+)"', page).group(1)
_, page = request("/login")
status, _ = request("/login", {"login": "drafter", "password": "pubcom-demo-2026", "csrf": csrf(page)})
assert status == 303, status
_, page = request("/account")
token = csrf(page)

statuses, waits, stop = collections.Counter(), [], threading.Event()


def saves():
    n = 0
    while not stop.is_set():
        no = n % 20 + 1
        n += 1
        _, page = request(f"/c/mhlw-gl6/comments/{no}")
        m = re.search(r'name="version" value="(\d*)"', page)
        t = time.monotonic()
        status, _ = request(f"/c/mhlw-gl6/comments/{no}/answer", {
            "csrf": token, "disposition": "noted", "body": f"取込中の保存 {n}",
            "version": m.group(1) if m else ""})
        waits.append(time.monotonic() - t)
        statuses[status] += 1


worker = threading.Thread(target=saves)
worker.start()
time.sleep(1)
started = time.monotonic()
imp = subprocess.run([pubcom, "--database", database, "import", "comments", file, "--consultation", slug],
                     capture_output=True, text=True)
took = time.monotonic() - started
time.sleep(2)
stop.set()
worker.join()
print(f"import exit {imp.returncode} in {took:.1f} s")
print("\n".join(l for l in imp.stdout.splitlines() if "同旨" in l or "読んだ行" in l))
if imp.returncode:
    print(imp.stderr[-500:])
waits.sort()
print(f"saves: {dict(statuses)}; wait median {waits[len(waits)//2]*1000:.0f} ms, max {waits[-1]*1000:.0f} ms")
