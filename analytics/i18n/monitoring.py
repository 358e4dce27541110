"""Catalog: seasonality marks on the Overview's sales chart and the weekly monitoring strip
(anomaly sentences of ``analytics.monitoring.explain_anomalies``)."""

ZH = {
    "monitoring.metric.new_customers": "新客",
    "monitoring.metric.aov": "客单价",
    "monitoring.metric.repurchase_rate": "回头客占比",
    "monitoring.in_sentence.new_customers": "新客",
    "monitoring.in_sentence.aov": "客单价",
    "monitoring.in_sentence.repurchase_rate": "回头客占比",
    "monitoring.value.new_customers": "{n} 人",
    "monitoring.week": "{year} 年第 {week} 周（{start_month}月{start_day}日–{end_month}月{end_day}日）",
    "monitoring.week.partial": "{year} 年第 {week} 周（{start_month}月{start_day}日–{end_month}月{end_day}日，本周未完）",
    "monitoring.baseline": "前 {weeks} 周中位数",
    "monitoring.baseline.partial": "前 {weeks} 周同期（每周前 {days} 天）中位数",
    "monitoring.change.times": "是{baseline_label}（{baseline}）的 {times} 倍",
    "monitoring.change.pct_up": "比{baseline_label}（{baseline}）高 {pct}",
    "monitoring.change.pct_down": "比{baseline_label}（{baseline}）低 {pct}",
    "monitoring.change.points_up": "比{baseline_label}（{baseline}）高 {points} 个百分点",
    "monitoring.change.points_down": "比{baseline_label}（{baseline}）低 {points} 个百分点",
    "monitoring.change.from_zero": "而{baseline_label}为 {baseline}",
    "monitoring.sentence": "{week}{metric} {value}，{comparison}{marks}",
    "monitoring.marks": "（{names}）",
    "monitoring.sales.granularity": "统计粒度",
    "monitoring.sales.month": "按月",
    "monitoring.sales.week": "按周",
    "monitoring.sales.title_month": "每月销售额与订单数",
    "monitoring.sales.title_week": "每周销售额与订单数（近 {weeks} 周）",
    "monitoring.sales.caption": "浅色阴影为法定节假日放假期间，红色阴影为春节，虚线为 618、双11、双12 大促。鼠标移到底部三角上可看节日名称。",
    "monitoring.sales.marks_trace": "节假日/大促",
    "monitoring.strip.title": "周度监测：新客、客单价、回头客占比",
    "monitoring.strip.caption": "近 {weeks} 周，每周与前 8 周的中位数比较，明显偏离的周标红，原因写在图下。回头客占比 = 当周买家中以前买过（或当周买了 2 次）的比例，和上面按期间算的「复购率」不是一回事。",
    "monitoring.strip.help": "偏离用稳健 z 分数衡量：(本周值 − 前 8 周中位数) ÷ (1.4826 × 中位数绝对偏差)，绝对值 ≥ 3 标红。本周未完时，只和前 8 周同样的天数比较；未完的一周画成空心点。",
    "monitoring.strip.flagged": "异常周",
    "monitoring.strip.baseline": "前 8 周中位数",
    "monitoring.strip.none": "近 {weeks} 周没有明显异常。",
    "monitoring.strip.empty": "分析日期之前还没有有效订单。",
    "monitoring.strip.too_short": "至少需要 {weeks} 周的数据才能判断异常。",
}

EN = {
    "monitoring.metric.new_customers": "New customers",
    "monitoring.metric.aov": "AOV",
    "monitoring.metric.repurchase_rate": "Returning buyers",
    "monitoring.in_sentence.new_customers": "new customers",
    "monitoring.in_sentence.aov": "AOV",
    "monitoring.in_sentence.repurchase_rate": "returning-buyer share",
    "monitoring.value.new_customers": "{n}",
    "monitoring.week": "Week {week} of {year} ({start}–{end})",
    "monitoring.week.partial": "Week {week} of {year} ({start}–{end}, week to date)",
    "monitoring.baseline": "the median of the previous {weeks} weeks",
    "monitoring.baseline.partial": "the median of the same first {days} days of the "
    "previous {weeks} weeks",
    "monitoring.change.times": "{times}× {baseline_label} ({baseline})",
    "monitoring.change.pct_up": "{pct} above {baseline_label} ({baseline})",
    "monitoring.change.pct_down": "{pct} below {baseline_label} ({baseline})",
    "monitoring.change.points_up": "{points} points above {baseline_label} ({baseline})",
    "monitoring.change.points_down": "{points} points below {baseline_label} ({baseline})",
    "monitoring.change.from_zero": "against {baseline} for {baseline_label}",
    "monitoring.sentence": "{week}: {metric} {value}, {comparison}{marks}",
    "monitoring.marks": " ({names})",
    "monitoring.sales.granularity": "Granularity",
    "monitoring.sales.month": "By month",
    "monitoring.sales.week": "By week",
    "monitoring.sales.title_month": "Revenue and orders by month",
    "monitoring.sales.title_week": "Revenue and orders by week (last {weeks} weeks)",
    "monitoring.sales.caption": "Light bands: public holidays (days off); red bands: Spring "
    "Festival; dashed lines: the 618, Double 11 and Double 12 shopping festivals. Hover the "
    "triangles at the bottom for names.",
    "monitoring.sales.marks_trace": "Holidays & festivals",
    "monitoring.strip.title": "Weekly monitoring: new customers, AOV, returning buyers",
    "monitoring.strip.caption": "Last {weeks} weeks; each week is compared with the median "
    "of the 8 weeks before it; clearly unusual weeks are red and explained below the charts. "
    "Returning buyers = share of the week's buyers who had bought before (or twice that "
    "week); not the same measure as the period's repurchase rate above.",
    "monitoring.strip.help": "Unusual means a robust z-score of 3 or more: (week − median "
    "of the 8 weeks before) / (1.4826 × median absolute deviation). The current, unfinished "
    "week is compared with the same days of the previous 8 weeks and drawn as an open dot.",
    "monitoring.strip.flagged": "Anomaly",
    "monitoring.strip.baseline": "Median of previous 8 weeks",
    "monitoring.strip.none": "No unusual week in the last {weeks} weeks.",
    "monitoring.strip.empty": "No valid order up to the as-of date.",
    "monitoring.strip.too_short": "At least {weeks} weeks of data are needed to flag anomalies.",
}
