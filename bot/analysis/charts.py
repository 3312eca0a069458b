"""Bar charts for the report, drawn by matplotlib as inline SVG (text kept as text, so the file
stays small, searchable and readable by screen readers; no fonts or images are fetched)."""

from __future__ import annotations

import io
import re

_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.DOTALL)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)
NHS_BLUE = "#005eb8"


def bars(labels: list[str], values: list[int | None], title: str) -> str:
    """A horizontal bar chart; a suppressed value (None) gets no bar and a `*`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with matplotlib.rc_context({"svg.fonttype": "none", "font.family": "sans-serif",
                                "font.sans-serif": ["Arial", "Helvetica", "DejaVu Sans"],
                                "svg.hashsalt": "report"}):  # fmt: skip
        # Drawn 4.8 in (460 px) wide with 13-point text: on a phone, where the chart is shrunk
        # to about 350 px, the text is still about 13 px.
        height = 1.0 + 0.5 * len(labels)
        fig, ax = plt.subplots(figsize=(4.8, height), dpi=96)
        try:
            positions = list(range(len(labels)))[::-1]
            widths = [v or 0 for v in values]
            ax.barh(positions, widths, color=NHS_BLUE, height=0.62)
            ax.set_yticks(positions, [_short(label) for label in labels], fontsize=13)
            top = max(widths, default=0) or 1
            for y, v in zip(positions, values, strict=True):
                ax.text((v or 0) + top * 0.01, y, "*" if v is None else str(v),
                        va="center", fontsize=13, color="#212b32")  # fmt: skip
            ax.set_xlim(0, top * 1.15)
            ax.set_title(_short(title, 40), loc="left", fontsize=13, color="#212b32")
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
            ax.tick_params(axis="x", labelsize=12, colors="#4c6272")
            fig.tight_layout()
            out = io.StringIO()
            fig.savefig(out, format="svg", metadata={"Date": None})
        finally:
            plt.close(fig)
    svg = _METADATA.sub("", _PROLOGUE.sub("", out.getvalue(), count=1), count=1)
    # The table under each chart carries the same numbers for screen readers.
    return svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)


def _short(label: str, limit: int = 24) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
