"""Bar charts for the report, drawn by matplotlib as inline SVG (text kept as text, so the file
stays small, searchable and readable by screen readers; no fonts or images are fetched)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.DOTALL)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)
NHS_BLUE, NHS_RED, NHS_GREY, TEXT, QUIET = "#005eb8", "#d5281b", "#d8dde0", "#212b32", "#4c6272"


@contextmanager
def _figure(rows: int) -> Iterator[tuple[Any, Any]]:
    """A figure 4.8 in (460 px) wide with 13-point text: on a phone, where the chart is shrunk
    to about 350 px, the text is still about 13 px. Text stays text in the SVG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with matplotlib.rc_context({"svg.fonttype": "none", "font.family": "sans-serif",
                                "font.sans-serif": ["Arial", "Helvetica", "DejaVu Sans"],
                                "svg.hashsalt": "report"}):  # fmt: skip
        fig, ax = plt.subplots(figsize=(4.8, 1.0 + 0.5 * rows), dpi=96)
        try:
            yield fig, ax
        finally:
            plt.close(fig)


def _svg(fig: Any) -> str:
    fig.tight_layout()
    out = io.StringIO()
    fig.savefig(out, format="svg", metadata={"Date": None})
    svg = _METADATA.sub("", _PROLOGUE.sub("", out.getvalue(), count=1), count=1)
    # The table beside each chart carries the same numbers for screen readers.
    return svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)


def bars(labels: list[str], values: list[int | None], title: str) -> str:
    """A horizontal bar chart; a suppressed value (None) gets no bar and a `*`."""
    with _figure(len(labels)) as (fig, ax):
        positions = list(range(len(labels)))[::-1]
        widths = [v or 0 for v in values]
        ax.barh(positions, widths, color=NHS_BLUE, height=0.62)
        ax.set_yticks(positions, [_short(label) for label in labels], fontsize=13)
        top = max(widths, default=0) or 1
        for y, v in zip(positions, values, strict=True):
            ax.text((v or 0) + top * 0.01, y, "*" if v is None else str(v),
                    va="center", fontsize=13, color=TEXT)  # fmt: skip
        ax.set_xlim(0, top * 1.15)
        ax.set_title(_short(title, 40), loc="left", fontsize=13, color=TEXT)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.tick_params(axis="x", labelsize=12, colors=QUIET)
        return _svg(fig)


def shares(rows: list[tuple[str, int, int]]) -> str:
    """The Friends and Family Test as one bar per row (all parents, each group, each period):
    % positive in blue from the left, % negative in red from the right, the rest grey."""
    with _figure(len(rows) + 1) as (fig, ax):
        positions = list(range(len(rows)))[::-1]
        for y, (_, positive, negative) in zip(positions, rows, strict=True):
            middle = max(0, 100 - positive - negative)
            ax.barh(y, positive, color=NHS_BLUE, height=0.62)
            ax.barh(y, middle, left=positive, color=NHS_GREY, height=0.62)
            ax.barh(y, negative, left=positive + middle, color=NHS_RED, height=0.62)
            if positive >= 12:
                ax.text(2, y, f"{positive}%", va="center", fontsize=13, color="#fff")
            if negative >= 12:
                ax.text(98, y, f"{negative}%", va="center", ha="right", fontsize=13, color="#fff")
        ax.set_yticks(positions, [_short(label, 16) for label, *_ in rows], fontsize=13)
        ax.set_xlim(0, 100)
        ax.set_xticks([0, 50, 100], ["0%", "50%", "100%"])
        ax.set_title("Positive (blue) and negative (red)", loc="left", fontsize=13, color=TEXT)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.tick_params(axis="x", labelsize=12, colors=QUIET)
        return _svg(fig)


def _short(label: str, limit: int = 24) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
