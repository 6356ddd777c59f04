"""What the bench/ scripts measure with: the time of an action over several runs after a warm-up,
and the number of queries it makes."""

import statistics
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext


def timed(action, runs: int) -> tuple[float, float]:
    """(median, slowest) of `runs` calls of `action`, in milliseconds, after one call to warm up."""
    action()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), max(samples)


def queries(action) -> int:
    """How many queries one call of `action` makes."""
    with CaptureQueriesContext(connection) as context:
        action()
    return len(context.captured_queries)
