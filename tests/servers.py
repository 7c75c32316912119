"""Real SPARQL servers for tests: an `oxigraph serve` process on loopback and a free port.

Used by test modules as a context manager or through `oxigraph_fixture`; the server is always
stopped by its own process id (terminate, then kill), never by name.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def oxigraph_binary() -> str:
    """The `oxigraph` executable of the running venv (the `oxigraph` PyPI package), else PATH."""
    found = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    if not found:
        raise RuntimeError("the `oxigraph` binary is missing: pip install 'ofsted-kg[test]'")
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_process(process: subprocess.Popen, grace: float = 5.0) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=grace)


def wait_for_query(url: str, process: subprocess.Popen, timeout: float = 20.0) -> None:
    """Block until `url` answers a SPARQL query (or fail if the process died or time ran out)."""
    deadline = time.monotonic() + timeout
    probe = url + "/query?query=ASK%7B%7D"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with code {process.returncode} before answering")
        try:
            with urllib.request.urlopen(probe, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server at {url} did not answer within {timeout} s")


@dataclass
class Server:
    url: str
    location: Path
    process: subprocess.Popen

    def stop(self) -> None:
        stop_process(self.process)


def start_oxigraph(location: Path, *, read_only: bool = False, union: bool = False) -> Server:
    command = "serve-read-only" if read_only else "serve"
    last_error: Exception | None = None
    for _ in range(3):  # another process may grab the free port between probe and bind
        port = free_port()
        args = [oxigraph_binary(), command, "--location", str(location), "--bind", f"127.0.0.1:{port}"]
        if union:
            args.append("--union-default-graph")
        process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_for_query(url, process)
            return Server(url=url, location=location, process=process)
        except RuntimeError as exc:
            stop_process(process)
            last_error = exc
    raise RuntimeError(f"could not start oxigraph: {last_error}")


@contextmanager
def oxigraph_server(location: Path, **options: bool) -> Iterator[Server]:
    server = start_oxigraph(location, **options)
    try:
        yield server
    finally:
        server.stop()
