"""A guard against a CPython race. Turning a parsed tree into Python objects (`ast.parse`,
hence `ast.literal_eval`, which Odoo runs on contexts and domains of every request) counts its
recursion depth in state shared by the interpreter's threads, so two threads doing it at once
can fail with "SystemError: AST constructor recursion depth mismatch" (CPython gh-106905).
Odoo's threaded server (`make run`, the server of the browser tests) met it on the first
pages, which came up unstyled. One lock around `ast.parse` serialises those conversions: they
take microseconds, and a process with workers (production) serves one request at a time
anyway."""

import ast
import functools
import threading

_lock = threading.RLock()


def install():
    """Guard `ast.parse` (once per process). `ast.literal_eval` calls it through the module's
    global name, so it is guarded too, also behind Odoo's own wrapper of literal_eval."""
    if getattr(ast.parse, "social_guarded", False):
        return
    parse = ast.parse

    @functools.wraps(parse)
    def guarded_parse(*args, **kwargs):
        with _lock:
            return parse(*args, **kwargs)

    guarded_parse.social_guarded = True
    ast.parse = guarded_parse
