"""`drawdown serve --workers N` on loopback: N processes share the port, each with its own response cache, and a
write through one of them is seen by the very next read through every one (the caches check the data version,
which any process's commit changes). Which process answered a connection is read from /proc (Linux): the
process that holds the server's end of it."""

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from app.ingest.sources import records
from app.services.ingest import ingest_records
from bench.corpus import variants
from tests.conftest import ROOT, SEEDS

KEY = "workers-key"
WORKERS = 2
# Read twice through every process before the write, so that each holds them in its cache.
PATHS = ["/articles?limit=100", "/events", "/actors", "/events?format=csv"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve(url: str, workers: int) -> Iterator[subprocess.Popen]:
    port = free_port()
    env = {**os.environ, "DRAWDOWN_DATABASE_URL": url, "DRAWDOWN_API_KEYS": KEY, "DRAWDOWN_LOG_LEVEL": "warning"}
    command = [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--workers", str(workers)]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    server.port = port
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.stdout.read().decode()
            assert time.monotonic() < deadline, "the server did not start"
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        yield server
    finally:
        server.terminate()
        server.wait(timeout=30)


def children(pid: int) -> set[int]:
    return {int(c) for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()}


def server_side_inode(server_port: int, client_port: int) -> str | None:
    """The socket inode of the server's end of the loopback connection from ``client_port``."""
    local, remote = f"0100007F:{server_port:04X}", f"0100007F:{client_port:04X}"
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1] == local and fields[2] == remote:
            return fields[9]
    return None


def answering_process(connection: http.client.HTTPConnection, server_port: int, pids: set[int]) -> int:
    inode = server_side_inode(server_port, connection.sock.getsockname()[1])
    target = f"socket:[{inode}]"
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) == target:
                    return pid
            except OSError:  # closed meanwhile
                continue
    raise AssertionError(f"no server process holds the connection ({target})")


def get(connection: http.client.HTTPConnection, path: str) -> tuple[int, bytes]:
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, response.read()


def one_connection_per_worker(server: subprocess.Popen, workers: int) -> dict[int, http.client.HTTPConnection]:
    """Open keep-alive connections until each worker process has answered one (the kernel hands each new
    connection to whichever process accepts it first); the others are closed."""
    pids = children(server.pid)
    assert len(pids) >= workers, pids
    found: dict[int, http.client.HTTPConnection] = {}
    spare = []
    deadline = time.monotonic() + 60
    while len(found) < workers:
        assert time.monotonic() < deadline, f"only {len(found)} of {workers} processes answered"
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        assert get(connection, "/health")[0] == 200
        pid = answering_process(connection, server.port, pids)
        if pid in found:
            spare.append(connection)  # kept open, so that the process that took it is busy with it
        else:
            found[pid] = connection
    for connection in spare:
        connection.close()
    return found


def total(body: bytes) -> int:
    return json.loads(body)["total"]


@pytest.mark.slow
def test_a_write_through_one_worker_is_read_through_every_worker_at_once(db):
    summary = ingest_records(db.engine, records([SEEDS]))
    assert summary.created == 5
    with serve(db.url, WORKERS) as server:
        connections = one_connection_per_worker(server, WORKERS)
        before = {}
        for pid, connection in connections.items():
            for path in PATHS:
                first, again = get(connection, path), get(connection, path)
                assert first[0] == 200 and first == again, path
                before[pid, path] = first[1]
        assert len({body for (_pid, path), body in before.items() if path == PATHS[0]}) == 1

        writer_pid, connection = next(iter(connections.items()))
        body = json.dumps({**next(variants(1, seed=5)), "url": "https://example.org/workers/1"})
        connection.request("POST", "/articles", body, {"Content-Type": "application/json", "X-API-Key": KEY})
        response = connection.getresponse()
        created = json.loads(response.read())
        assert response.status == 201, created

        for pid, connection in connections.items():
            status, articles = get(connection, PATHS[0])
            assert status == 200
            assert total(articles) == total(before[pid, PATHS[0]]) + 1, f"process {pid} answered from a stale cache"
            assert created["id"] in [item["id"] for item in json.loads(articles)["items"]]
            for path in PATHS[1:]:
                # the answer a fresh query gives (the same list, asked in words no process has seen)
                fresh = path + ("&" if "?" in path else "?") + "limit=500"
                assert get(connection, path) == get(connection, fresh), (pid, path)
        assert get(connections[writer_pid], "/events")[1] != before[writer_pid, "/events"]
