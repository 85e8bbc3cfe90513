#!/usr/bin/env python3
"""Draws bench/churn's Markdown table as an SVG: one small chart per column (rows of each table,
and the bytes), minutes across, each with its own scale from zero, so that a table that grows shows
as a rising line whatever its size. No dependency beyond Python 3.

    python3 bench/churn/plot.py CHURN_OUTPUT.md docs/churn.svg
"""
import sys


def table(path):
    header, rows = None, []
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if not line.startswith("|") or line.startswith("|---"):
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        if header is None:
            if cells[0] == "minute":
                header = cells
            continue
        try:
            rows.append([float(c.replace(",", "")) for c in cells])
        except ValueError:
            continue
    if header is None or not rows:
        sys.exit("no churn table in " + path)
    return header, rows


def chart(x0, y0, w, h, title, xs, ys):
    top = max(ys) or 1.0
    span = (max(xs) - min(xs)) or 1.0
    pts = " ".join(
        "%.1f,%.1f" % (x0 + (x - min(xs)) / span * w, y0 + h - y / top * h) for x, y in zip(xs, ys)
    )
    return (
        '<g font-family="sans-serif" font-size="11">'
        f'<rect x="{x0}" y="{y0}" width="{w}" height="{h}" fill="none" stroke="#ccc"/>'
        f'<text x="{x0}" y="{y0 - 6}" font-weight="bold">{title}</text>'
        f'<text x="{x0 + w - 4}" y="{y0 + 13}" text-anchor="end" fill="#555">max {max(ys):,.6g}</text>'
        f'<text x="{x0}" y="{y0 + h + 13}" fill="#555">{min(xs):.0f}</text>'
        f'<text x="{x0 + w}" y="{y0 + h + 13}" text-anchor="end" fill="#555">{max(xs):.0f} min</text>'
        f'<polyline points="{pts}" fill="none" stroke="#1f5fa8" stroke-width="1.5"/>'
        "</g>"
    )


def main():
    header, rows = table(sys.argv[1])
    xs = [r[0] for r in rows]
    cols, per_row, w, h, gap = header[1:], 4, 210, 90, 40
    parts = []
    for i, name in enumerate(cols):
        x0 = 20 + (i % per_row) * (w + gap)
        y0 = 40 + (i // per_row) * (h + 60)
        parts.append(chart(x0, y0, w, h, name, xs, [r[i + 1] for r in rows]))
    width = 20 + per_row * (w + gap)
    height = 40 + ((len(cols) + per_row - 1) // per_row) * (h + 60)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}"><rect width="100%" height="100%" fill="white"/>'
        + "".join(parts)
        + "</svg>\n"
    )
    open(sys.argv[2], "w", encoding="utf-8").write(svg)


if __name__ == "__main__":
    main()
