#!/usr/bin/env python3
"""serve_conns.py - many connections to `daftar serve` on 127.0.0.1, for
tests/e2e/test_serve_limits.sh. Prints one line of numbers a command.

  serve_conns.py PORT deadline N DEADLINE [SRC]
      N connections (from the address SRC, default 127.0.0.1: any of
      127.0.0.0/8 is loopback) send a request line and part of the
      headers, then a header byte every 2 s (slowloris); from 127.0.0.1,
      one more makes a keep-alive
      request and then waits; one sends complete headers at once and its
      body 2 bytes a second for DEADLINE + 5 s. Meanwhile a normal request
      every second on a fresh connection (probe). Runs until every slow
      connection is closed or DEADLINE + 30 s have passed. Prints:
        opened open_at_half closed answered probes probes_bad \
        keepalive slowbody last_close_s slowest_probe_s
      open_at_half: slow connections still open at DEADLINE / 2 (held by
      the server); closed: closed by the server (end of stream or reset),
      at accept or later; answered:
      slow connections that got an answer (none should); keepalive:
      "<status>,closed" or "<status>,open"; slowbody: the status the slow
      body got, or "closed".
  serve_conns.py PORT burst N [SRC...]
      N connections opened at once (from the addresses SRC in turn,
      default 127.0.0.1), then each sends one request; prints
        connected ok closed other connect_s
      connect_s: how long the connections took to open, before the first
      request went out
"""
import os
import resource
import select
import socket
import sys
import time

HOST = "127.0.0.1"
REQ = b"GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\n"


def more_files():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > 65536:
        hard = 65536
    if soft != resource.RLIM_INFINITY and soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def connect(port, timeout=30, src=HOST):
    return socket.create_connection((HOST, port), timeout=timeout, source_address=(src, 0))


def status_of(data):
    if data.startswith(b"HTTP/") and b" " in data:
        return data.split(b" ", 2)[1].decode("latin-1")
    return None


def answer(s, timeout):
    """The status of the answer on s, or "closed"."""
    s.settimeout(timeout)
    data = b""
    try:
        while b"\r\n" not in data and len(data) < 65536:
            b = s.recv(65536)
            if not b:
                break
            data += b
    except OSError:
        pass
    return status_of(data) or "closed"


def probe(port):
    try:
        p = connect(port, 10)
        p.sendall(REQ + b"Connection: close\r\n\r\n")
        st = answer(p, 10)
        p.close()
        return st
    except OSError:
        return "error"


def deadline(port, n, secs, src):
    t0 = time.time()
    slow = []
    for _ in range(n):
        try:
            s = connect(port, src=src)
        except OSError:
            continue
        try:
            s.sendall(REQ + b"X-Slow: ")
        except OSError:
            pass  # closed on accept already: counted as closed below
        s.setblocking(False)
        slow.append(s)
    opened = len(slow)
    state = {s: "open" for s in slow}  # open, closed, answered
    ka = connect(port)
    ka.sendall(REQ + b"\r\n")
    ka_status = answer(ka, 10)
    ka.setblocking(False)
    ka_state = "open"
    body = b'{"user":"nobody","password":"wrong-password"}'
    sb = connect(port)
    sb.sendall(b"POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
               b"Connection: close\r\nContent-Length: %d\r\n\r\n" % len(body))
    sb.setblocking(False)
    sb_sent = 0
    sb_status = None
    sb_data = b""
    open_at_half = None
    probes = bad = 0
    slowest = 0.0
    last_close = 0.0
    last_trickle = last_probe = last_body = 0.0
    while time.time() - t0 < secs + 30:
        now = time.time()
        if open_at_half is None and now - t0 >= secs / 2:
            open_at_half = sum(1 for s in slow if state[s] == "open")
        if now - last_trickle >= 2:
            last_trickle = now
            for s in slow:
                if state[s] == "open":
                    try:
                        s.send(b"a")
                    except OSError:
                        pass
        if sb_status is None and sb_sent < len(body) and now - last_body >= 1:
            last_body = now
            # 2 bytes a second: the whole body takes DEADLINE + 5 s or more
            chunk = body[sb_sent:sb_sent + 2] if now - t0 < secs + 5 else body[sb_sent:]
            try:
                sb.send(chunk)
                sb_sent += len(chunk)
            except OSError:
                sb_status = "closed"
        if now - last_probe >= 1:
            last_probe = now
            t = time.time()
            st = probe(port)
            slowest = max(slowest, time.time() - t)
            probes += 1
            if st != "200":
                bad += 1
        watch = [s for s in slow if state[s] == "open"]
        if ka_state == "open":
            watch.append(ka)
        if sb_status is None:
            watch.append(sb)
        # poll, not select: more than FD_SETSIZE (1024) sockets
        poller = select.poll()
        byfd = {}
        for s in watch:
            poller.register(s, select.POLLIN)
            byfd[s.fileno()] = s
        for fd, _ in poller.poll(200):
            s = byfd[fd]
            try:
                b = s.recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                b = b""
            if s is ka:
                if not b:
                    ka_state = "closed"
                continue
            if s is sb:
                sb_data += b
                if not b or b"\r\n" in sb_data:
                    sb_status = status_of(sb_data) or "closed"
                continue
            if not b:
                state[s] = "closed"
                last_close = time.time() - t0
            else:
                state[s] = "answered"
        if all(state[s] != "open" for s in slow) and ka_state != "open" and sb_status is not None:
            break
    if open_at_half is None:
        open_at_half = sum(1 for s in slow if state[s] == "open")
    closed = sum(1 for s in slow if state[s] == "closed")
    answered = sum(1 for s in slow if state[s] == "answered")
    for s in slow + [ka, sb]:
        s.close()
    print("%d %d %d %d %d %d %s,%s %s %.1f %.2f" % (opened, open_at_half, closed, answered, probes, bad,
                                                   ka_status, ka_state, sb_status or "none", last_close,
                                                   slowest))


def burst(port, n, srcs):
    t0 = time.time()
    socks = []
    for i in range(n):
        try:
            socks.append(connect(port, src=srcs[i % len(srcs)]))
        except OSError:
            pass
    connect_s = time.time() - t0
    req = REQ + b"Connection: close\r\n\r\n"
    for s in socks:
        try:
            s.sendall(req)
        except OSError:
            pass
    ok = closed = other = 0
    t0 = time.time()
    for s in socks:
        # every answer within 120 s of the last request sent, whatever the load
        st = answer(s, max(1.0, 120 - (time.time() - t0)))
        if st == "200":
            ok += 1
        elif st == "closed":
            closed += 1
        else:
            other += 1
        s.close()
    print("%d %d %d %d %.2f" % (len(socks), ok, closed, other, connect_s))


def main():
    more_files()
    port, cmd = int(sys.argv[1]), sys.argv[2]
    if cmd == "deadline":
        deadline(port, int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] if len(sys.argv) > 5 else HOST)
    elif cmd == "burst":
        burst(port, int(sys.argv[3]), sys.argv[4:] or [HOST])
    else:
        sys.exit("serve_conns.py: unknown command " + cmd)


if __name__ == "__main__":
    main()
