"""A self-contained HTML report (plots embedded as base64 PNG, tables inline) for managers."""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field

import pandas as pd
from matplotlib.figure import Figure

_STYLE = """
body { font-family: -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; margin: 2em auto; max-width: 1200px;
       color: #222; line-height: 1.45; padding: 0 1em; }
h1 { border-bottom: 2px solid #1f77b4; padding-bottom: .3em; }
h2 { margin-top: 2em; color: #1f4e79; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: right; }
th { background: #f0f4f8; }
td:first-child, th:first-child { text-align: left; }
img { max-width: 100%; border: 1px solid #eee; margin: .5em 0; }
p.note { color: #555; font-size: 0.9em; }
"""


@dataclass
class Section:
    """One part of the report: a heading, paragraphs, tables (title -> frame) and figures (caption -> PNG bytes)."""

    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    figures: dict[str, bytes] = field(default_factory=dict)


def figure_png(figure: Figure, dpi: int = 110) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def _table_html(frame: pd.DataFrame) -> str:
    return frame.to_html(index=False, border=0, float_format=lambda v: f"{v:,.3f}" if abs(v) < 10 else f"{v:,.1f}", na_rep="", escape=True)


def render_report(title: str, subtitle: str, sections: list[Section]) -> str:
    """The whole report as one HTML document (no external files)."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="note">{html.escape(subtitle)}</p>',
    ]
    for section in sections:
        parts.append(f"<h2>{html.escape(section.heading)}</h2>")
        parts += [f"<p>{html.escape(text)}</p>" for text in section.paragraphs]
        for caption, frame in section.tables.items():
            parts.append(f"<h3>{html.escape(caption)}</h3>{_table_html(frame)}")
        for caption, png in section.figures.items():
            encoded = base64.b64encode(png).decode("ascii")
            parts.append(
                f'<figure><img alt="{html.escape(caption)}" '
                f'src="data:image/png;base64,{encoded}"><figcaption>{html.escape(caption)}</figcaption></figure>'
            )
    parts.append("</body></html>")
    return "\n".join(parts)
