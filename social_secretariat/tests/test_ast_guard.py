"""The guard against CPython's AST race (tools/ast_guard.py), without a database: many threads
parsing nested expressions at once, as a threaded Odoo server does on its first pages."""

import ast
import gc
import sys
import threading

from odoo.addons.social_secretariat.tools import ast_guard

# deep enough that each conversion recurses a lot, as contexts and domains of the views do
NESTED = "[" * 80 + "{'a': (1, 2.5, 'x', None, True)}" + "]" * 80


class _Cycle:
    """Garbage with a finalizer: the collector runs Python code in the middle of a tree's
    conversion, where the interpreter may switch threads (what a busy server does)."""

    def __init__(self):
        self.me = self

    def __del__(self):
        self.me = None


def test_ast_parse_is_guarded_once_the_addon_is_loaded():
    ast_guard.install()
    ast_guard.install()  # idempotent: one wrapper, not a wrapper of a wrapper
    assert ast.parse.social_guarded
    assert not getattr(ast.parse.__wrapped__, "social_guarded", False)


def test_parallel_parsing_raises_nothing():
    """Without the guard, CPython 3.11.7 fails here in most threads ("AST constructor recursion
    depth mismatch (before=18, after=-8)"); with it, none does."""
    ast_guard.install()
    errors = []

    def parse_many():
        try:
            for _ in range(150):
                _Cycle()
                assert ast.literal_eval(NESTED)
                ast.parse(NESTED, mode="eval")
        except Exception as error:  # any error is the failure reported
            errors.append(repr(error))

    interval, thresholds = sys.getswitchinterval(), gc.get_threshold()
    sys.setswitchinterval(1e-6)
    gc.set_threshold(50, 5, 5)
    try:
        threads = [threading.Thread(target=parse_many) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
        gc.set_threshold(*thresholds)
    assert not errors, errors[:3]
