"""The report sandbox's page limits and builders (carework.report.sandbox); the hostile templates themselves are cases
of the bad-input corpus (tests/bad_input/template-*)."""

from __future__ import annotations

from pathlib import Path

import pytest

from carework.core.errors import CareworkError
from carework.report import render, sandbox
from carework.report.render import make_renderer


def renderer_with(tmp_path: Path, text: str) -> render.Renderer:
    (tmp_path / "page.md.j2").write_text(text, encoding="utf-8")
    return make_renderer("zh", tmp_path)


def refusal(tmp_path: Path, text: str) -> str:
    with pytest.raises(CareworkError) as caught:
        renderer_with(tmp_path, text).render("page.md.j2", {})
    return caught.value.en


def test_a_page_over_the_size_limit_is_refused_while_it_is_made(tmp_path: Path) -> None:
    message = refusal(tmp_path, "{% for i in range(100) %}{{ '云' * 100000 }}{% endfor %}")
    assert "page.md.j2" in message and "page too large" in message


def test_nested_loops_that_call_nothing_are_stopped_by_the_clock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ten billion empty iterations: stopped by the timer signal (or the next call), at the loop's line."""
    monkeypatch.setattr(render, "MAX_RENDER_SECONDS", 0.05)
    message = refusal(tmp_path, "# 标题\n{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n")
    assert "page.md.j2" in message and "took over 0.05 seconds" in message


def test_outside_the_main_thread_the_clock_is_read_at_every_call(tmp_path: Path) -> None:
    """There is no timer signal in a thread; a call made after the deadline stops the page."""
    import threading

    env = renderer_with(tmp_path, "{% for i in range(100000) %}{% for j in range(100000) %}{{ range(1) }}{% endfor %}"
                                  "{% endfor %}").env
    caught: list[BaseException] = []

    def run() -> None:
        try:
            with sandbox.deadline(env, 0.05):
                env.get_template("page.md.j2").render()
        except BaseException as exc:  # noqa: BLE001 - handed to the test's thread
            caught.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert [type(e) for e in caught] == [sandbox.RenderTimeout]
    assert env.due is None


BUILDERS = ("{{ 'a'|center(5) }}|{{ '{0:>4}'.format('b') }}|{{ '%3s' % 'c' }}|{{ 'x y'|replace(' ', '-') }}|"
            "{{ 'ab'.replace('', '.') }}|{{ 'p\nq'|indent(2, true) }}|{{ [1, 2, 3]|batch(2, 0)|list }}|"
            "{{ '%-4d'|format(7) }}|{{ 'k'.zfill(3) }}|{{ 'a' + 'b' }}|{{ [1]|slice(2)|list }}|{{ '{:.2f}'.format(1.5) }}")


def test_within_the_limits_the_builders_give_what_jinjas_own_give(tmp_path: Path) -> None:
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class Plain(ImmutableSandboxedEnvironment):  # the same operators go through call_binop, unguarded
        intercepted_binops = sandbox.BoundedSandbox.intercepted_binops

    ours = renderer_with(tmp_path, BUILDERS)
    plain = Plain(autoescape=True, finalize=ours.env.finalize, trim_blocks=True,
                                          lstrip_blocks=True, keep_trailing_newline=True)
    expected = plain.from_string(BUILDERS).render()
    assert "|x-y|.a.b.|" in expected and "|00k|ab|" in expected  # the builders did build
    assert ours.render("page.md.j2", {}) == expected.strip("\n") + "\n"


def test_a_signal_handler_is_restored_after_each_page(tmp_path: Path) -> None:
    import signal

    before = signal.getsignal(signal.SIGALRM)
    renderer_with(tmp_path, "ok").render("page.md.j2", {})
    assert signal.getsignal(signal.SIGALRM) == before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
