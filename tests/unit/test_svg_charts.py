"""archiver.svg_charts: well-formed SVG, one bar or point per value, tooltips and a description in words,
colours from currentColor and classes only (no inline style: the CSP forbids it), text escaped."""
import xml.etree.ElementTree as ET

from archiver import svg_charts
from archiver.readable import binary_size

NS = {"s": "http://www.w3.org/2000/svg"}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # raises on anything not well-formed


def test_a_bar_chart_has_a_bar_with_a_tooltip_per_value_scaled_to_a_round_top():
    svg = svg_charts.bar_chart("dl", "Downloads per day", ["11-01", "11-02", "11-03"], [2, 0, 7],
                               x_label="day", y_label="videos", what="videos archived")
    root = parse(svg)
    bars = root.findall(".//s:rect[@class='chart-bar']", NS)
    assert [b.find("s:title", NS).text for b in bars] == ["11-01: 2", "11-02: 0", "11-03: 7"]
    heights = [float(b.get("height")) for b in bars]
    assert heights[1] == 0 and heights[2] > heights[0] > 0
    assert root.get("role") == "img" and root.find("s:title", NS).text == "Downloads per day"
    desc = root.find("s:desc", NS).text
    assert "the most 7 (11-03)" in desc and "the last 7" in desc
    ticks = [t.text for t in root.findall(".//s:g[@class='chart-axis']/s:text", NS)]
    assert ticks[:5] == ["0", "2", "4", "6", "8"] and "videos" in ticks and "day" in ticks  # round ticks, named
    assert "style=" not in svg and "currentColor" in svg


def test_a_line_chart_draws_each_series_and_skips_missing_samples():
    svg = svg_charts.line_chart("q", "Queue", ["a", "b", "c", "d"],
                                [svg_charts.Series("queued", [5, 3, None, 0]),
                                 svg_charts.Series("failed", [0, 1, 1, 2])])
    root = parse(svg)
    groups = root.findall(".//s:g[@data-series]", NS)
    assert [g.get("data-series") for g in groups] == ["queued", "failed"]
    assert [len(g.findall("s:circle", NS)) for g in groups] == [3, 4]
    assert len(root.findall(".//s:polyline", NS)) == 2
    assert groups[1].find("s:polyline", NS).get("stroke-dasharray")  # told apart without colour
    assert groups[0].find("s:circle/s:title", NS).text == "queued, a: 5"
    assert "at d: queued 0; failed 2" in root.find("s:desc", NS).text
    assert [t.text for t in root.findall(".//s:g[@class='chart-legend']/s:text", NS)][1].endswith("failed")


def test_sizes_format_the_axis_and_the_tooltips():
    svg = svg_charts.line_chart("st", "Storage", ["x", "y"], [svg_charts.Series("archived", [1024, 3 * 1024**3])],
                                fmt=binary_size, binary=True)
    ticks = [t.text for t in parse(svg).findall(".//s:g[@class='chart-axis']/s:text", NS)]
    assert "archived, y: 3.0 GiB" in svg and ticks[:5] == ["0 B", "1.0 GiB", "2.0 GiB", "3.0 GiB", "4.0 GiB"]
    assert svg_charts._nice_top(600 * 1024**2, binary=True) == 1024**3 and svg_charts._nice_top(700) == 800
    assert svg_charts._nice_top(31) == 40 and svg_charts._nice_top(50) == 50


def test_no_data_is_said_not_drawn():
    for svg in (svg_charts.bar_chart("e", "Empty", [], []), svg_charts.bar_chart("z", "Zeros", ["a"], [0]),
                svg_charts.line_chart("n", "None", ["a"], [svg_charts.Series("s", [None])])):
        root = parse(svg)
        assert root.find("s:desc", NS).text.startswith("No data yet")
        assert not root.findall(".//s:rect", NS) and not root.findall(".//s:circle", NS)


def test_labels_are_escaped():
    svg = svg_charts.bar_chart("x", 'A "<b>" & co', ["<script>"], [1])
    parse(svg)
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&quot;" in svg


def test_binary_sizes():
    assert [binary_size(n) for n in (None, 0, 1023, 1536, 40 * 1024, 5 * 1024**4)] == [
        "?", "0 B", "1023 B", "1.5 KiB", "40.0 KiB", "5.0 TiB"]


def test_long_category_labels_are_cut_in_the_middle_and_whole_in_the_tooltip():
    names = ["Fixture Bench Channel 14", "Fixture Bench Channel 3"]
    svg = svg_charts.bar_chart("c", "Per channel", names * 4, [1] * 8)
    root = parse(svg)
    shown = [t.text for t in root.findall(".//s:g[@class='chart-axis']/s:text", NS)]
    assert any(t and t.startswith("Fixt") and t.endswith("14") and "…" in t for t in shown)
    assert root.find(".//s:rect/s:title", NS).text == "Fixture Bench Channel 14: 1"


def test_counts_get_whole_ticks():
    """A queue of one video reads 0 and 1 on its axis, never "0.2 videos"; large counts keep round steps."""
    assert svg_charts._nice_scale(1, whole=True) == (1.0, 1)
    assert svg_charts._nice_scale(3, whole=True) == (3.0, 3)
    top, ticks = svg_charts._nice_scale(7, whole=True)
    assert (top / ticks).is_integer() and top >= 7
    svg = svg_charts.line_chart("q", "Queue", ["now"], [svg_charts.Series("waiting", [1])], fmt=lambda v: f"{v:g}")
    assert ">0.2<" not in svg and ">0.5<" not in svg and ">1<" in svg
