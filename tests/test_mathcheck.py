"""The math checker rejects TeX that MathJax cannot typeset and accepts what the vault uses.

The expected messages are MathJax 3's own (its TeX input's error texts), so each test
pins the kind of failure, not just that something failed.
"""

from __future__ import annotations

import pytest

from tests.mathcheck import math_errors, tex_error


@pytest.mark.parametrize(("tex", "message"), [
    (r"\frac{a}", r"Missing argument for \frac"),
    (r"a_{i", "Extra open brace or missing close brace"),
    (r"a}", "Extra close brace or missing open brace"),
    (r"\convolve x", r"Undefined control sequence \convolve"),
    (r"\begin{aligned} a &= b", r"Missing \end{aligned}"),
    (r"\begin{aligned} a &= b \end{align}", r"\begin{aligned} ended with \end{align}"),
    (r"\begin{eqnarry} a \end{eqnarry}", "Unknown environment 'eqnarry'"),
    (r"\left\lfloor \frac{H}{S}", r"Extra \left or missing \right"),
    (r"x^a^b", "Double exponent: use braces to clarify"),
    (r"H_{out} & W_{out}", "Misplaced &"),
    (r"x^", "Missing superscript or subscript argument"),
])
def test_broken_tex_is_rejected_with_mathjax_message(tex: str, message: str) -> None:
    assert tex_error(tex) == message
    assert math_errors(f"Intro.\n\nSo ${tex}$ here.\n") == [f"line 3: ${tex}$: {message}"]


def test_constructs_the_vault_uses_typeset() -> None:
    note = r"""---
tags: [cnn]
---
# Output size

$$
\begin{aligned}
H_{out} &= \left\lfloor \frac{H + 2P - K}{S} \right\rfloor + 1 \\
\text{params} &= \underbrace{K_h K_w C_{in} C_{out}}_{\text{weights}} + C_{out}
\end{aligned}
$$

Inline: $\lfloor 7/2 \rfloor = 3$, $2 \cdot 3 \times 4$, $\max_i r_i$,
$\text{FLOPs} \approx 2 \cdot \text{MACs}$ and $117{,}600$ MACs; $W_{out}^{(l)}$.
Display inside a line: $$r_{new} = r + (k - 1) \cdot j$$
"""
    assert math_errors(note) == []


def test_each_bad_formula_is_reported_on_its_own_line() -> None:
    note = "# T\n\n$\\frac{a}$ ok $b$\n\n$$\n\\oops\n$$\n"
    assert math_errors(note) == [
        "line 3: $\\frac{a}$: Missing argument for \\frac",
        # the display formula opens on line 5; its text is shown on one line
        "line 5: $$\\oops$$: Undefined control sequence \\oops",
    ]


def test_formula_in_a_callout_is_read_without_the_quote_markers() -> None:
    note = "> [!note] Rule\n> $$\n> r = r + (k - 1) \\cdot j \\\\\n> \\oops\n> $$\n"
    # Shown on one line, the formula would start '> r' if the '>' markers were kept.
    assert math_errors(note) == [
        "line 2: $$r = r + (k - 1) \\cdot j \\\\ \\oops$$: Undefined control sequence \\oops"]


def test_unclosed_delimiters_are_errors() -> None:
    assert math_errors("Area $a \\cdot b\n") == [
        "line 1: inline math '$' opened here is never closed in this paragraph; "
        "close it, or write '\\$' for a dollar sign"]
    assert math_errors("x\n$$\na + b\n") == [
        "line 2: display math '$$' opened here is never closed with a second '$$'"]


def test_inline_math_does_not_run_across_a_blank_line() -> None:
    # Each '$' is alone in its paragraph, so neither opens math (and neither is closed).
    errors = math_errors("first $a\n\nsecond b$ c\n")
    assert errors == ["line 1: inline math '$' opened here is never closed in this paragraph; "
                      "close it, or write '\\$' for a dollar sign"]


def test_math_in_code_and_dollar_signs_that_are_not_math_are_ignored() -> None:
    note = (
        "Costs $5 or \\$x, and 5 $ each.\n"
        "Inline code `$\\frac{a}$` is code.\n"
        "\n"
        "```latex\n"
        "$$\\undefined$$\n"
        "```\n"
        "\n"
        "    $\\alsoindented$\n"
    )
    assert math_errors(note) == []
