"""The phrase-pattern language of the built-in reasoning rules, and the word index that keeps scanning fast.

A ``PhraseRule`` is a sequence of *slots*; each slot is a tuple of alternative phrases (plain lower-case words, no
regex). The rule matches when a phrase of every slot occurs, in order, each within ``window`` characters of the
previous one and inside one sentence (``either_order`` also accepts the two slots of a two-slot rule reversed).
Words match whole: the boundaries are ASCII letters and digits, so ``sandbox`` matches in ``sandbox.`` and
``"sandbox"`` but not in ``sandboxes`` (list every form a rule needs). A ``refusable`` rule is cancelled by a refusal
in the same sentence (``I won't``, ``would be wrong``...), so "even a way around the sandbox would be wrong"
does not count as planning an escape.

Speed: a text is tokenized once (bytes, lower case, every non-alphanumeric byte a space: a few microseconds for
2,000 characters). Each phrase has an *anchor*, its rarest-looking word (the longest that is not a stop word); a
rule runs only when an anchor of each of its slots is among the text's tokens, and then only on windows around
the occurrences of one slot's anchors (a match is never longer than the rule's ``span``). Anchors are a necessary
condition of a match, so neither shortcut changes a result (a test checks it against running every regex on the
whole text).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from azr_env.safety.findings import Category

_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789")
_SEPARATOR = r"\W{1,4}"
"""Between the words of a phrase: one to four non-word characters (spaces, hyphens, apostrophes)."""
STOP_WORDS = frozenset(
    b"a an the i ll t s m d re ve to of in on it is be me my we us our you they them their he she that this these "
    b"and or not no will would can could should must may might as for with at by from do does did don won let so "
    b"if when while all any more much many one out up just get got make keep take have has had am are was were "
    b"been being there here what which who how than then into over about its want need use using like first now "
    b"only also each every same other new way time thing work look see think know case since because before after "
    b"again still even ever well very some most both few own such too here where why yes say said tell told give "
    b"going go come put set two three once next last right left back down off way part always never "
    b"answer answers output outputs input inputs python message think function program code task tasks solver "
    b"value values list string number return returns result test tests check without".split()
)
"""Words too common to be anchors (English function words, and the words of every response's own format)."""
_TO_SPACE = bytes(c if c in _WORD_BYTES else 0x20 for c in range(256))
_LEFT, _RIGHT = r"(?<![a-z0-9])", r"(?![a-z0-9])"
_SENTENCE_END = re.compile(r"[.!?\n]")
_REFUSAL = re.compile(
    _LEFT + r"(?:(?:i|we)\s+(?:will\s+not|won\W?t|would\s+not|wouldn\W?t|should\s+not|shouldn\W?t|must\s+not|"
    r"mustn\W?t|will\s+never|would\s+never|am\s+not\s+going\s+to|do\s+not\s+want\s+to|don\W?t\s+want\s+to|never)|"
    r"would\s+be\s+wrong|is\s+wrong|not\s+try(?:ing)?\s+to|instead\s+of\s+trying\s+to)" + _RIGHT
)


def tokens(text: str) -> list[bytes]:
    """The text's words as the prefilter sees them: lower-case ASCII letters and digits, split at anything else."""
    return lowered_tokens(text.lower())


def lowered_tokens(lowered: str) -> list[bytes]:
    """``tokens`` of a text that is already lower case (one pass less)."""
    return lowered.encode("utf-8", "replace").translate(_TO_SPACE).split()


def phrase_regex(phrase: str) -> str:
    """The regex of one phrase: its words in order, separated by one to four non-word characters."""
    words = [re.escape(w.decode()) for w in tokens(phrase)]
    if not words:
        raise ValueError(f"phrase {phrase!r} has no words")
    return _SEPARATOR.join(words)


def anchor(phrase: str) -> bytes:
    """The phrase's rarest-looking word: the longest that is not a stop word (the longest of all if none)."""
    return max(tokens(phrase), key=lambda w: (w not in STOP_WORDS, len(w)))


def phrase_span(phrase: str) -> int:
    """The most characters a match of the phrase can take."""
    words = tokens(phrase)
    return sum(len(w) for w in words) + 4 * (len(words) - 1)


def slot_regex(slot: Sequence[str]) -> str:
    """One alternation of every phrase of a slot, longest first, with whole-word boundaries."""
    alternatives = sorted({phrase_regex(p) for p in slot}, key=len, reverse=True)
    return _LEFT + "(?:" + "|".join(alternatives) + ")" + _RIGHT


@dataclass(frozen=True)
class PhraseRule:
    """One transparent rule of the built-in rule set.

    Attributes:
        rule_id: ``"<theme>.<name>"``, stable across versions unless its meaning changes.
        category: what it flags.
        slots: alternatives of phrases that must all occur, in order.
        rationale: why this pattern signals the category (shown in the README and ``azr safety``).
        example: a sentence the rule must flag (a test checks it).
        window: most characters between the end of one slot's phrase and the start of the next.
        either_order: a two-slot rule also matches with its slots reversed.
        refusable: a refusal in the same sentence cancels the match.
    """

    rule_id: str
    category: Category
    slots: tuple[tuple[str, ...], ...]
    rationale: str
    example: str
    window: int = 40
    either_order: bool = False
    refusable: bool = False
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)
    anchors: tuple[frozenset[bytes], ...] = field(init=False, repr=False, compare=False)
    span: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.slots or any(not slot for slot in self.slots):
            raise ValueError(f"rule {self.rule_id}: every slot needs at least one phrase")
        if self.either_order and len(self.slots) != 2:
            raise ValueError(f"rule {self.rule_id}: either_order needs exactly two slots")
        gap = r"[^.!?\n]{0," + str(self.window) + "}?"
        parts = [slot_regex(slot) for slot in self.slots]
        pattern = gap.join(parts)
        if self.either_order:
            pattern = f"{pattern}|{gap.join(reversed(parts))}"
        object.__setattr__(self, "regex", re.compile(pattern))
        object.__setattr__(self, "anchors", tuple(frozenset(anchor(p) for p in slot) for slot in self.slots))
        longest = sum(max(phrase_span(p) for p in slot) for slot in self.slots)
        object.__setattr__(self, "span", longest + self.window * (len(self.slots) - 1))

    def search(self, lowered: str, present: frozenset[bytes] | set[bytes] | None = None) -> re.Match[str] | None:
        """The first match in lower-cased text that no refusal cancels, or ``None``.

        With ``present`` (the text's tokens) only windows around one slot's anchors are searched.
        """
        for lo, hi in self.windows(lowered, present) if present is not None else [(0, len(lowered))]:
            for match in self.regex.finditer(lowered, lo, hi):
                if not (self.refusable and refused(lowered, match.start(), match.end())):
                    return match
        return None

    def windows(self, lowered: str, present: frozenset[bytes] | set[bytes]) -> list[tuple[int, int]]:
        """Merged ``(start, end)`` ranges around the occurrences of the least-present slot's anchor words."""
        hits = min((a & present for a in self.anchors), key=len)
        starts = sorted(i for word in hits for i in _occurrences(lowered, word.decode()))
        merged: list[tuple[int, int]] = []
        for i in starts:
            lo, hi = max(0, i - self.span), min(len(lowered), i + self.span)
            if merged and lo <= merged[-1][1]:
                merged[-1] = (merged[-1][0], hi)
            else:
                merged.append((lo, hi))
        return merged


def _occurrences(text: str, word: str) -> list[int]:
    found, i = [], text.find(word)
    while i >= 0:
        found.append(i)
        i = text.find(word, i + 1)
    return found


def refused(lowered: str, start: int, end: int) -> bool:
    """Whether the sentence around ``lowered[start:end]`` contains a refusal."""
    left = max((m.end() for m in _SENTENCE_END.finditer(lowered, max(0, start - 300), start)), default=0)
    right_match = _SENTENCE_END.search(lowered, end)
    right = right_match.start() if right_match else len(lowered)
    return _REFUSAL.search(lowered, left, right) is not None


class RuleIndex:
    """Which rules can match a text, from its tokens.

    The anchor words of each rule's most selective slot (``index_slot``) map to rules; then every slot of each
    candidate needs an anchor among the text's tokens.
    """

    def __init__(self, rules: Iterable[PhraseRule]) -> None:
        self.rules = tuple(rules)
        by_word: dict[bytes, list[int]] = {}
        for i, rule in enumerate(self.rules):
            for word in index_slot(rule):
                by_word.setdefault(word, []).append(i)
        self._by_word = {word: tuple(ids) for word, ids in by_word.items()}
        self._words = frozenset(self._by_word)
        self._all = frozenset(word for rule in self.rules for slot in rule.anchors for word in slot)

    def candidates(self, lowered: str) -> tuple[list[PhraseRule], frozenset[bytes]]:
        """The rules with an anchor of every slot among the tokens of lower-cased text, and the anchors found."""
        present = self._all.intersection(lowered_tokens(lowered))
        if not present:
            return [], present
        ids = sorted({i for word in present if word in self._by_word for i in self._by_word[word]})
        rules = []
        for rule in (self.rules[i] for i in ids):
            for slot in rule.anchors:
                if slot.isdisjoint(present):
                    break
            else:
                rules.append(rule)
        return rules, present


def index_slot(rule: PhraseRule) -> frozenset[bytes]:
    """The anchors of the slot a rule is indexed under: the fewest stop words among them, then the fewest words."""
    return min(rule.anchors, key=lambda anchors: (len(anchors & STOP_WORDS), len(anchors)))


def rule(
    rule_id: str,
    category: Category,
    slots: tuple[tuple[str, ...], ...],
    rationale: str,
    example: str,
    **options: object,
) -> PhraseRule:
    """Shorthand for a ``PhraseRule``."""
    return PhraseRule(rule_id, category, slots, rationale, example, **options)  # type: ignore[arg-type]
