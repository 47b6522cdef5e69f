"""Versioned, frozen held-out suites built from real code that ships offline (HumanEval, CodeI/O) and CRUXEval.

``load_suite("humaneval-deduction")`` loads the latest version, ``load_suite("humaneval-deduction@1")`` a pinned
one; ``list_suites()`` names them. Each suite's size, source, license and version policy: ``SUITES.md`` next to
this file. Building (maintainers only): ``python -m azr_env.suites.build``.
"""

from azr_env.suites.suite import Suite, list_suites, load_suite

__all__ = ["Suite", "list_suites", "load_suite"]
