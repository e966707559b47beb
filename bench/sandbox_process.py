"""`sandbox serve` in a child process for the benchmarks: real HTTP, and a heap and GIL of its
own, so the server's work neither slows down nor hides behind the client being measured."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

SERVE = (
    "import sys; from pathlib import Path; from wa_templates.sandbox.serve import serve; "
    "serve(Path(sys.argv[1]), api_key=sys.argv[2], port=int(sys.argv[3]))"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serving(state_path: Path, api_key: str, timeout: float = 30.0) -> Iterator[str]:
    """The base URL of a sandbox serving `state_path` until the block ends."""
    port = free_port()
    args = [sys.executable, "-c", SERVE, str(state_path), api_key, str(port)]
    with server_process(args, port, "/_sandbox/health", timeout) as url:
        yield url


@contextlib.contextmanager
def server_process(
    args: list[str],
    port: int,
    health: str,
    timeout: float = 30.0,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> Iterator[str]:
    """Run a server as `args` until the block ends; its URL once `health` answers 200."""
    child = subprocess.Popen(
        args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{url}{health}", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if child.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the server did not start on port {port}")
            time.sleep(0.05)
        yield url
    finally:
        child.terminate()
        try:
            child.wait(10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
