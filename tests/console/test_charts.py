"""The server-drawn charts: the target line where the numbers say, gaps for months without figures."""
from __future__ import annotations

import re

from console.charts import HEIGHT, LEFT, TOP, Series, bar_chart, line_chart


def test_the_90_percent_line_sits_at_90_percent_of_the_axis():
    svg = str(line_chart("县域内就诊率", ["11", "12"], [Series("率", [95.0, 80.0])], "%", 90, "目标 90%", y_max=100))
    y = float(re.search(r'class="target" x1="[\d.]+" x2="[\d.]+" y1="([\d.]+)"', svg).group(1))
    plot_h = HEIGHT - TOP - 48
    assert abs(y - (TOP + plot_h * 0.1)) < 0.2
    assert "目标 90%" in svg and "<title>县域内就诊率</title>" in svg


def test_a_month_without_figures_is_a_gap_not_a_zero():
    svg = str(line_chart("t", ["1", "2", "3", "4"], [Series("s", [50.0, 60.0, None, 70.0])], "%", y_max=100))
    assert svg.count("<polyline") == 1  # 1-2 joined; 4 alone is a point, never joined across the gap
    assert svg.count("<circle") == 3


def test_bars_below_the_target_are_marked_and_names_are_escaped():
    svg = str(bar_chart("各单位", ["甲<院>", "乙院", "丙院"], [95.0, 85.0, None], "%", 90, "目标", x_max=100))
    assert svg.count('class="bar series-0 below"') == 1 and svg.count('class="bar series-0"') == 1
    assert "甲&lt;院&gt;" in svg and "无数据" in svg
    assert float(re.search(r'<rect[^>]*x="(\d+)"', svg).group(1)) > LEFT  # room for the unit names


def test_a_waterfall_floats_each_change_between_its_totals():
    from console.charts import Step, waterfall_chart

    svg = str(waterfall_chart("结余", [Step("预算", 100.0, True), Step("实际支出", -92.0), Step("结余", 8.0, True),
                                       Step("返还基金", -1.6), Step("结余留用", 6.4, True)], "元"))
    rects = re.findall(r'<rect class="wf wf-(\w+)" x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"', svg)
    assert [tone for tone, _, _ in rects] == ["total", "down", "total", "down", "total"]
    (_, y_budget, h_budget), (_, y_spent, h_spent), (_, y_left, h_left) = rects[:3]
    # spending hangs from the budget's top down to the balance's top
    assert abs(float(y_spent) - float(y_budget)) < 0.2
    assert abs(float(y_spent) + float(h_spent) - float(y_left)) < 0.2
    assert "92.00元" in svg and "6.40元" in svg


def test_a_gauge_is_red_only_past_its_limit():
    from console.charts import Gauge, gauge_chart

    gauges = [Gauge("高级职称", 8, 7), Gauge("中级职称", 15, 15), Gauge("专业技术", 34, 35, "min")]
    assert [g.broken for g in gauges] == [True, False, True]
    svg = str(gauge_chart("编制", gauges))
    assert svg.count('class="gauge broken"') == 2 and "8 / 上限 7" in svg and "34 / 下限 35" in svg
