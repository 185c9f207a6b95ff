"""Python's cycle collector and long-lived processes.

A full collection walks every object the process holds: in the gateway and the services, a
hundred thousand and more objects of the libraries alone, which made pauses of 50-100 ms in the
middle of requests. What is loaded at start stays for the life of the process, so it is moved
out of the collector's sight once (`gc.freeze`); and a bulk load that allocates hundreds of
thousands of objects runs with the collector paused, instead of triggering a full collection
every few thousand of them.
"""
import gc
from contextlib import contextmanager


def freeze_what_is_loaded():
    """Call once the process has imported and set up what it keeps until it exits."""
    gc.collect()
    gc.freeze()


@contextmanager
def collector_paused():
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
