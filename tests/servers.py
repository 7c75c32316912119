"""Real servers for tests, on loopback and free ports: `oxigraph serve`, Debian's Virtuoso with
its own ini and database folder, and a faulty "endpoint" that answers wrongly on purpose.

Used by test modules as context managers (or conftest's session fixtures); a server process is
always stopped by its own process id (terminate, then kill), never by name.
"""

from __future__ import annotations

import shutil
import socket
import socketserver
import subprocess
import sys
import threading
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


# --- Virtuoso ---------------------------------------------------------------------------------

VIRTUOSO_PACKAGE = "virtuoso-opensource-7-bin"  # Debian's build of Virtuoso 7.2: the server, isql
# The settings a team running Debian's Virtuoso would meet, except the network: both ports on
# loopback. ResultSetMaxRows stays at Debian's 10,000 so the tests meet the cap users meet.
VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 8
CheckpointInterval = 0
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
DirsAllowed = ., {dir}
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
MaxClientConnections = 8
ServerThreads = 8
EnabledDavVSP = 0
HTTPProxyEnabled = 0

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = {max_seconds}
"""


def virtuoso_binary() -> str | None:
    return shutil.which("virtuoso-t")


def virtuoso_unavailable() -> str:
    """Why Virtuoso is not here: a skip reason where Debian's package cannot be installed on this
    machine; an error (raised) where it can, so a test run never skips what it could have run."""
    policy = ""
    if shutil.which("apt-cache"):
        policy = subprocess.run(
            ["apt-cache", "policy", VIRTUOSO_PACKAGE], capture_output=True, text=True, check=False
        ).stdout
    if "Candidate:" in policy and "Candidate: (none)" not in policy:
        raise RuntimeError(
            f"virtuoso-t is missing but {VIRTUOSO_PACKAGE} is installable here: run `make system-deps`"
        )
    return f"virtuoso-t is missing and {VIRTUOSO_PACKAGE} cannot be installed on this machine"


@dataclass
class VirtuosoServer(Server):
    sql_port: int
    password: str = "dba"

    def sql(self, statements: str) -> str:
        """Run SQL as dba through isql (the only way to grant roles and create users)."""
        done = subprocess.run(
            ["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", self.password],
            input=statements,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0 or "*** Error" in done.stdout:
            raise RuntimeError(f"isql failed: {done.stdout[-500:]} {done.stderr[-500:]}")
        return done.stdout


def wait_for_virtuoso(url: str, process: subprocess.Popen, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    probe = url + "/sparql?query=ASK%7B%7D"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"virtuoso exited with code {process.returncode} before answering")
        try:
            with urllib.request.urlopen(probe, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise RuntimeError(f"virtuoso at {url} did not answer within {timeout} s")


def start_virtuoso(folder: Path, *, max_rows: int = 10000, max_seconds: int = 300) -> VirtuosoServer:
    """A fresh Virtuoso with its own database in `folder`, HTTP and SQL on loopback; anonymous
    SPARQL may update (the grant docs/remote.md gives)."""
    binary = virtuoso_binary()
    if binary is None:
        raise RuntimeError(virtuoso_unavailable())
    folder.mkdir(parents=True, exist_ok=True)
    last_error: Exception | None = None
    for _ in range(3):  # another process may grab a free port between probe and bind
        sql_port, http_port = free_port(), free_port()
        ini = folder / "virtuoso.ini"
        ini.write_text(
            VIRTUOSO_INI.format(
                dir=folder, sql_port=sql_port, http_port=http_port, max_rows=max_rows, max_seconds=max_seconds
            )
        )
        log = open(folder / "stdout.log", "wb")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            [binary, "-f", "-c", str(ini)], cwd=folder, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        url = f"http://127.0.0.1:{http_port}"
        try:
            wait_for_virtuoso(url, process)
        except RuntimeError as exc:
            stop_process(process, grace=30)
            last_error = exc
            continue
        server = VirtuosoServer(url=url, location=folder, process=process, sql_port=sql_port)
        server.sql('GRANT SPARQL_UPDATE TO "SPARQL";\n')
        return server
    raise RuntimeError(f"could not start virtuoso: {last_error}")


@contextmanager
def virtuoso_server(folder: Path, **options: int) -> Iterator[VirtuosoServer]:
    server = start_virtuoso(folder, **options)
    try:
        yield server
    finally:
        stop_process(server.process, grace=30)


# --- a faulty "endpoint" ----------------------------------------------------------------------

LOGIN_PAGE = (
    b"<!DOCTYPE html><html><head><title>Sign in</title></head>"
    b"<body><h1>Council network sign-in</h1><form>user <input name=u></form></body></html>"
)


class _FaultHandler(socketserver.BaseRequestHandler):
    server: FaultServer

    def handle(self) -> None:
        sock = self.request
        sock.settimeout(10)
        request = b""
        try:
            while b"\r\n\r\n" not in request and len(request) < 1_000_000:
                chunk = sock.recv(65536)
                if not chunk:
                    return
                request += chunk
            self.server.requests.append(request.split(b"\r\n", 1)[0].decode("latin-1"))
            mode = self.server.mode
            if mode == "html":
                sock.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                    + f"Content-Length: {len(LOGIN_PAGE)}\r\nConnection: close\r\n\r\n".encode()
                    + LOGIN_PAGE
                )
            elif mode == "not-http":
                sock.sendall(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")
            elif mode == "drip":
                # Valid headers, then the body one byte a second: no single read ever waits long.
                body = b'{"head": {"vars": ["s"]}, "results": {"bindings": []}}' * 4
                sock.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                    + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                )
                deadline = time.monotonic() + self.server.drip_for
                for byte in body:
                    if time.monotonic() > deadline or self.server.stopping:
                        break
                    sock.sendall(bytes([byte]))
                    time.sleep(1.0)
        except OSError:
            pass  # the client hung up: what a client with a deadline does


class FaultServer(socketserver.ThreadingTCPServer):
    """A listener on 127.0.0.1 that answers every request wrongly in one way (`mode`): `html`, a
    200 text/html login page; `not-http`, an SSH banner; `drip`, good headers then a byte a
    second (for at most `drip_for` seconds, so it always stops by itself)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, mode: str, drip_for: float = 120.0) -> None:
        super().__init__(("127.0.0.1", 0), _FaultHandler)
        self.mode = mode
        self.drip_for = drip_for
        self.stopping = False
        self.requests: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@contextmanager
def fault_server(mode: str, drip_for: float = 120.0) -> Iterator[FaultServer]:
    server = FaultServer(mode, drip_for)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stopping = True
        server.shutdown()
        server.server_close()
