r"""The final answer of a math response: one ``\boxed{}`` or the whole answer region, and it must be one number.

Pure string work on capped text, in the env's process; nothing is parsed as mathematics here (math-verify does that,
in its worker: ``azr_env.mathcheck``). ``final_answer`` returns the text math-verify compares with the gold, or a
``ParseFailure`` (a format error):

1. the answer region (inside ``<answer>``, found by the env's answer rule) holds at most one ``\boxed{...}`` (or
   ``\fbox{...}``); with one, the answer is its content, balanced braces included; with two or more, whatever they
   hold, it is a format error (a policy must not hedge with several boxes);
2. one pair of math delimiters around it (``$...$``, ``$$...$$``, ``\(...\)``, ``\[...\]``) and a final period are
   dropped; it is at most ``MAX_ANSWER_CHARS`` long;
3. it is **one number** (``NUMBER``): an integer (digit groups ``1,000`` or ``1{,}000`` allowed), a decimal, or a
   fraction ``p/q`` or ``\frac{p}{q}`` in lowest terms, with an optional sign, ``\$`` before it, ``\%`` after it, a
   unit in ``\text{...}`` (letters and spaces) after it, and ``x =`` before it (one letter). Anything else (an
   expression, a list, several numbers, prose) is a format error. A percent sign is dropped before the comparison
   (``18\%`` is 18, never also 0.18).

Why only numbers: every gold answer of the shipped suites is a number, and an expression answer would let a policy
copy the question's own arithmetic (``Calculate 36 / 2`` answered ``36/2``, or ``\frac{36}{2}``), which math-verify
rightly finds equal to 18. For the same reason a fraction must be in lowest terms.
"""

from __future__ import annotations

import math
import re

from azr_env.tasks.parsing import ParseFailure

MAX_ANSWER_CHARS = 100
"""Longest final answer read at all (the longest gold of the shipped suites has 10 characters)."""

_BOX = re.compile(r"\\(?:boxed|fbox)\s*\{")
_DELIMITERS = (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]"))
_INTEGER = r"(?:\d{1,3}(?:(?:,|\{,\})\d{3})+|\d+)"
_VALUE = rf"(?:{_INTEGER}(?:\.\d+)?|\.\d+|(?P<p>\d+)\s*/\s*(?P<q>\d+)|\\[dt]?frac\{{(?P<fp>\d+)\}}\{{(?P<fq>\d+)\}})"
_UNIT = r"(?:\s*\\?%)?(?:\s*\\(?:text|mathrm)\{[A-Za-z ]*\})?"
NUMBER = re.compile(rf"(?:[A-Za-z]\s*=\s*)?(?:\\\$\s*)?[-+]?\s*(?:\\\$\s*)?{_VALUE}{_UNIT}")
"""What a final answer must be, whole (see the module docstring)."""

_PERCENT = re.compile(r"\s*\\?%")
"""A percent sign, dropped from the answer: math-verify finds ``18\\%`` equal to both 18 and 0.18, a free hedge on
the answer's scale; without it the number is compared as written (the suites' golds for percentages are the
number of percent, ``18``)."""


def _boxed(region: str) -> str | ParseFailure:
    r"""The content of the region's only ``\boxed{}``, the region itself when it has none, or why neither."""
    boxes = list(_BOX.finditer(region))
    if not boxes:
        return region
    if len(boxes) > 1:
        return ParseFailure(f"the answer holds {len(boxes)} \\boxed{{}}: give one final answer")
    start, depth = boxes[0].end(), 1
    for index in range(start, len(region)):
        depth += {"{": 1, "}": -1}.get(region[index], 0)
        if depth == 0:
            return region[start:index]
    return ParseFailure("the \\boxed{ is never closed")


def _undelimited(text: str) -> str:
    text = text.strip().removesuffix(".").strip()
    for opening, closing in _DELIMITERS:
        if len(text) > len(opening) + len(closing) and text.startswith(opening) and text.endswith(closing):
            return text[len(opening) : -len(closing)].strip().removesuffix(".").strip()
    return text


def final_answer(region: str) -> str | ParseFailure:
    """Return the final answer of an answer region (one number, as written), or why it has none."""
    inner = _boxed(region)
    if isinstance(inner, ParseFailure):
        return inner
    text = _undelimited(inner)
    if len(text) > MAX_ANSWER_CHARS:
        return ParseFailure(f"the final answer is longer than {MAX_ANSWER_CHARS} characters")
    match = NUMBER.fullmatch(text)
    if match is None:
        return ParseFailure("the final answer is not one number")
    numerator, denominator = match.group("p") or match.group("fp"), match.group("q") or match.group("fq")
    if numerator is not None and math.gcd(int(numerator), int(denominator)) != 1:
        return ParseFailure("a fraction answer must be in lowest terms")
    if denominator is not None and int(denominator) in (0, 1):
        return ParseFailure("a fraction answer needs a denominator above 1")
    return _PERCENT.sub("", text)
