"""A liveness guard for tests of inputs that used to hang: fail after a while instead of waiting forever."""

from __future__ import annotations

import signal
from contextlib import contextmanager


@contextmanager
def deadline(seconds: float):
    """Raise TimeoutError in the block after ``seconds`` (main thread, POSIX): a guard against a
    hang, not a performance target (those live in bench/run.py)."""
    def expired(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
