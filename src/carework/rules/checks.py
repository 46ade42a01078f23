"""The kinds of check a rule can make, one registry whose keys the plan names in `check.kind`.

Each kind declares which expressions it takes (required, optional, evaluated per item) and which placeholders its
messages may use; everything else follows from `KINDS`: the keys the plan's `check:` accepts (a misspelt one gets the
plan format's "did you mean"), the error naming the rule when a key belongs to another kind, the table of kinds in
the docs. The plan loader compiles each check once, and the engine
calls `evaluate` with one school's scope. A new kind is one entry here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, NamedTuple

from carework.rules.expr import ANY, Env, ExprError, Ratio, Typed, compile_expr, item_of, member
from carework.rules.expr.language import charge
from carework.schema.fieldtypes import Choice, Integer, ListOf, Number

Scope = Mapping[str, Any]


@dataclass(frozen=True)
class Label:
    """A choice value shown in a message: its Chinese and English labels, not its identifier."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Percent:
    """A share shown in a message as a percentage."""

    value: float


def _display(declared: Any) -> Callable[[Any], Any]:
    """How a value of this type appears in a message: choices by their labels, shares as percentages."""
    if isinstance(declared, Choice):
        labels: dict[str, Label] = {}
        for option in declared.options:  # the first option of a value, as Choice.label finds it
            labels.setdefault(option.value, Label(option.zh, option.en))

        def label(v: Any) -> Any:
            if v is None:
                return v
            known = labels.get(v) if isinstance(v, str) else None
            return known if known is not None else Label(declared.label(v, "zh"), declared.label(v, "en"))

        return label
    if isinstance(declared, Ratio):
        return lambda v: v if v is None else Percent(v)
    if isinstance(declared, ListOf):
        inner = _display(declared.item)
        return lambda v: [inner(x) for x in v] if isinstance(v, list) else v
    return lambda v: v


class Outcome(NamedTuple):
    """What one check found on one school (a tuple: one is made for every rule of every school)."""

    passed: bool
    #: The values a result records as found and expected, for the kinds that have them.
    found: Any = None
    expected: Any = None
    #: Placeholder values for the rule's message, e.g. found and expected; only a failing check needs them.
    values: dict[str, Any] | None = None
    #: No item to check (e.g. no resident veterans): the rule does not apply.
    vacuous: bool = False


@dataclass(frozen=True)
class Check:
    kind: str
    parts: dict[str, Typed]
    evaluate: Callable[[Scope], Outcome]

    @property
    def fields(self) -> frozenset[tuple[str, ...]]:
        out: frozenset[tuple[str, ...]] = frozenset()
        for part in self.parts.values():
            out |= part.fields
        return out


@dataclass(frozen=True)
class Kind:
    """A check kind: its required and optional expression keys and the placeholders its messages can use."""

    zh: str
    en: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    placeholders: tuple[str, ...]
    build: Callable[[dict[str, Typed], Mapping[str, Any]], Callable[[Scope], Outcome]]
    #: Keys evaluated once per element of `items`, with the element bound to `item`.
    per_item: tuple[str, ...] = ()

    @property
    def keys(self) -> tuple[str, ...]:
        """Every expression key a check of this kind may have, required ones first."""
        return self.required + self.optional


def _numeric(part: Typed, key: str) -> None:
    if not (isinstance(part.type, (Number, Integer)) or part.type is ANY):
        raise _keyed(ExprError(f"{key} 必须是数字", f"{key} must be a number"), key)


def _build_at_least(parts: dict[str, Typed], _: Mapping[str, Any]) -> Callable[[Scope], Outcome]:
    _numeric(parts["value"], "value")
    _numeric(parts["min"], "min")
    value, minimum = parts["value"].fn, parts["min"].fn
    shown = _display(parts["value"].type)

    def evaluate(scope: Scope) -> Outcome:
        found, expected = value(scope, None), minimum(scope, None)
        # A missing value (e.g. no self-assessment score) is below any minimum, and is shown as missing.
        passed = expected is not None and (found or 0) >= expected
        found, expected = shown(found), shown(expected)
        return Outcome(passed, found, expected, None if passed else {"found": found, "expected": expected})

    return evaluate


def _build_true(parts: dict[str, Typed], _: Mapping[str, Any]) -> Callable[[Scope], Outcome]:
    test = parts["expr"].fn
    found = parts["found"].fn if "found" in parts else None
    shown = _display(parts["found"].type) if "found" in parts else None

    def evaluate(scope: Scope) -> Outcome:
        ok = bool(test(scope, None))
        value = shown(found(scope, None)) if found and shown else ok
        return Outcome(ok, value, None, None if ok else {"found": value})

    return evaluate


def _build_each(parts: dict[str, Typed], spec: Mapping[str, Any]) -> Callable[[Scope], Outcome]:
    if not isinstance(parts["items"].type, ListOf):
        raise _keyed(ExprError("items 必须是列表", "items must be a list"), "items")
    items, require = parts["items"].fn, parts["require"].fn
    label = parts["label"].fn if "label" in parts else None
    pool = parts["require"].item_in

    def evaluate(scope: Scope) -> Outcome:
        listed = items(scope, None) or []
        charge(scope, listed)
        if pool is not None and listed:  # `item in <list>`: the list is the same for every item, made once
            contains = _membership(pool(scope, None))
            missing = [(i, x) for i, x in enumerate(listed) if not contains(x)]
        else:
            missing = [(i, x) for i, x in enumerate(listed) if not require(scope, x)]
        # Without a label an item is named by its position in the list (from 1), not among the missing ones.
        names = [str(label(scope, x)) if label else str(i + 1) for i, x in missing]
        return Outcome(
            not missing,
            values={"missing": "、".join(names), "count": len(missing), "total": len(listed)},
            vacuous=not listed,
        )

    return evaluate


def _membership(among: Any) -> Callable[[Any], bool]:
    """`lambda x: member(x, among)`, by hash when `among` is a list of hashable values: linear, not quadratic, in a
    long list (the fast twin's; the reference tests each item with `member`)."""
    if isinstance(among, list):
        try:
            pool = frozenset(among)
        except TypeError:  # records in the list: compared one by one
            return lambda x: member(x, among)

        def contains(x: Any) -> bool:
            try:
                return x is not None and x in pool
            except TypeError:
                return member(x, among)

        return contains
    return lambda x: member(x, among)


KINDS: dict[str, Kind] = {
    "at_least": Kind("数值不低于下限", "a number is at least a minimum", ("value", "min"), (),
                     ("found", "expected"), _build_at_least),
    "true": Kind("条件成立", "a condition holds", ("expr",), ("found",), ("found",), _build_true),
    "each": Kind("列表中每一项都满足条件", "every listed item satisfies a condition", ("items", "require"), ("label",),
                 ("missing", "count", "total"), _build_each, per_item=("require", "label")),
}

#: Placeholders every message may use, whatever the kind.
COMMON_PLACEHOLDERS = ("year", "school")


def check_keys(kinds: Mapping[str, Kind]) -> tuple[str, ...]:
    """The expression keys of every kind, each once, in declaration order: what a plan's `check:` may hold."""
    return tuple(dict.fromkeys(key for kind in kinds.values() for key in kind.keys))


def compile_check(spec: Mapping[str, Any], env: Env) -> Check:
    """Compile a rule's `check:` mapping; raises ExprError (with the offending key in `key`) on any mistake."""
    kind_name = spec.get("kind")
    if kind_name not in KINDS:
        raise _keyed(ExprError(f"未知的检查类型 {kind_name}（可用：{', '.join(KINDS)}）",
                               f"unknown check kind {kind_name} (known: {', '.join(KINDS)})"), "kind")
    kind = KINDS[kind_name]
    allowed = {"kind", *kind.required, *kind.optional}
    for key in spec:
        if key not in allowed:
            raise _keyed(ExprError(f"{kind_name} 检查没有 {key} 这一项（可用：{', '.join(sorted(allowed))}）",
                                   f"a {kind_name} check has no key {key} (allowed: {', '.join(sorted(allowed))})"), key)
    parts: dict[str, Typed] = {}
    for key in kind.keys:
        if key not in spec:
            if key in kind.required:
                raise _keyed(ExprError(f"{kind_name} 检查缺少 {key}", f"a {kind_name} check needs {key}"), "kind")
            continue
        raw = spec[key]
        source = str(raw).lower() if isinstance(raw, bool) else str(raw)
        scope_env = env
        if key in kind.per_item:
            listed = parts["items"]
            if not isinstance(listed.type, ListOf):
                raise _keyed(ExprError("items 必须是列表", "items must be a list"), "items")
            scope_env = env.with_item(item_of(listed))
        try:
            parts[key] = compile_expr(source, scope_env)
        except ExprError as exc:
            raise _keyed(exc, key) from None
    try:
        evaluate = kind.build(parts, spec)
    except ExprError as exc:  # point at the key whose expression does not fit, when the kind says which
        raise _keyed(exc, getattr(exc, "key", "kind")) from None
    return Check(kind_name, parts, evaluate)


def _keyed(exc: ExprError, key: str) -> ExprError:
    exc.key = key  # type: ignore[attr-defined]
    return exc
