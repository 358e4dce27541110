"""Sentences for the promotion maths (``analytics.promotions``): one per result and outcome;
and the text of the 促销计算器 page (``promo.page.*``, ``promo.tab.*``, ``promo.in.*`` inputs,
``promo.m.*`` metrics, ``promo.chart.*``, ``promo.col.*``, ``promo.sc.*`` saved scenarios).

Values are raw numbers from each result's ``summary_values``; the formats live here.
"""

ZH = {
    "promo.break_even": (
        "降价 {discount:.0%} 后，每件的毛利从原价的 {margin:.0%} 降到 {new_unit_margin:.0%}，"
        "销量要做到原来的 {volume_multiplier:.2f} 倍（多卖 {extra_volume:.0%}），"
        "才能和不降价时赚得一样多。"
    ),
    "promo.campaign": (
        "投入 {spend:,.0f} 元带来 {revenue:,.0f} 元成交，投入产出比（ROI）{roi:.2f}；"
        "按毛利率 {margin:.0%} 算，扣除投入后净赚 {profit:,.0f} 元。"
    ),
    "promo.campaign.loss": (
        "投入 {spend:,.0f} 元带来 {revenue:,.0f} 元成交，投入产出比（ROI）{roi:.2f}；"
        "按毛利率 {margin:.0%} 算，扣除投入后亏 {loss:,.0f} 元。"
    ),
    "promo.compare.roi_misleads": (
        "活动 {more} 的 ROI 更低（{roi_more:.2f} 对 {roi_less:.2f}），却多赚 {difference:,.0f} 元"
        "（{profit_more:,.0f} 对 {profit_less:,.0f}）：要比赚到手的钱，不只比倍数。"
    ),
    "promo.compare.agree": (
        "活动 {more} 的 ROI 更高（{roi_more:.2f} 对 {roi_less:.2f}），也多赚 {difference:,.0f} 元"
        "（{profit_more:,.0f} 对 {profit_less:,.0f}）。"
    ),
    "promo.compare.same_roi": (
        "两个活动 ROI 相同（{roi_more:.2f}），活动 {more} 多赚 {difference:,.0f} 元"
        "（{profit_more:,.0f} 对 {profit_less:,.0f}）。"
    ),
    "promo.compare.tie": "两个活动赚得一样多（各 {profit:,.0f} 元）。",
    "promo.threshold": (
        "满{threshold:g}减{reduction:g}：{orders:,} 单里有 {above:,} 单本来就满 {threshold:g}，"
        "白送出 {discount_cost:,.0f} 元；{near:,} 单差一点就够（平均还差 {avg_topup:,.1f} 元）；"
        "{far:,} 单差得远。要再多 {extra_orders:,} 单满额订单（订单数多 {uplift:.1%}）才能回本。"
    ),
    "promo.threshold.no_near": (
        "满{threshold:g}减{reduction:g}：{orders:,} 单里有 {above:,} 单本来就满 {threshold:g}，"
        "白送出 {discount_cost:,.0f} 元；没有差一点就够的订单，{far:,} 单差得远。"
        "要再多 {extra_orders:,} 单满额订单（订单数多 {uplift:.1%}）才能回本。"
    ),
    "promo.threshold.no_orders": "所选时间内没有有效订单，无法估算满{threshold:g}减{reduction:g}。",
    "promo.pooling": (
        "{below:,} 单不满 {threshold:g}，两两拼单最多能拼成 {pairs:,} 对（{pooled:,} 单），"
        "还剩 {unpaired:,} 单拼不上。"
    ),
    "promo.deposit": (
        "付 {deposit:g} 抵 {deduction:g}：每单实际让利 {cost_per_order:g} 元"
        "（相当于降价 {effective_discount:.0%}）；预计 {converted:,.0f} 单成交，共让利 "
        "{discount_cost:,.0f} 元，未付尾款留下的订金 {forfeited:,.0f} 元；"
        "要再多卖 {break_even_orders} 单才回本。"
    ),
    "promo.member_day": (
        "会员日降价 {discount:.0%}：{customers:,} 位会员里预计 {expected_orders:,.0f} 人下单，"
        "让利 {discount_cost:,.0f} 元；要多来 {break_even_orders} 单"
        "（响应率从 {expected_response:.1%} 提高到 {break_even_response:.1%}）才回本。"
    ),
    "promo.member_day.unreachable": (
        "会员日降价 {discount:.0%}：{customers:,} 位会员里预计 {expected_orders:,.0f} 人下单，"
        "让利 {discount_cost:,.0f} 元；回本需要 {break_even_response:.0%} 的响应率，超过 100%，"
        "这个力度在这群会员身上回不了本。"
    ),
    "promo.ads.profit": (
        "花 {spend:,.0f} 元带来 {revenue:,.0f} 元成交，ROI {roi:.2f}，"
        "不低于毛利率 {margin:.0%} 时的保本 ROI {break_even_roi:.2f}：赚 {profit:,.0f} 元。"
    ),
    "promo.ads.loss": (
        "花 {spend:,.0f} 元带来 {revenue:,.0f} 元成交，ROI {roi:.2f}，"
        "低于毛利率 {margin:.0%} 时的保本 ROI {break_even_roi:.2f}：亏 {loss:,.0f} 元。"
    ),
    "promo.ads.max_cpc": (
        "按转化率 {conversion_rate:.1%}、客单价 {aov:,.0f} 元，单次点击最多出 {max_cpc:.2f} 元才不亏。"
    ),
    "promo.suggest": (
        "建议从满{threshold:g}减{reduction:g}试起：高于平均订单金额 {mean_amount:,.0f} 元，"
        "也高于 {quantile:.0%} 的订单（{quantile_amount:,.0f} 元及以下）。"
    ),
    "promo.suggest.no_orders": (
        "所选时间内没有订单，先按默认客单价 {default_aov:,.0f} 元建议满{threshold:g}减{reduction:g}。"
    ),
    # The promotion planner page (pages/promotions.py).
    "promo.page.title": "促销计算器",
    "promo.page.intro": (
        "促销是以量博利：每个计算器都算出活动要多卖多少，才能和不做活动时赚得一样多"
        "（不只是不亏）。结果可以存成方案，随时载入比较。"
    ),
    "promo.page.empty": (
        "还没有订单：下面先按默认客单价 {aov:,.0f} 元计算。导入订单后，客单价、满减门槛和拼单"
        "会用店铺自己的订单。"
    ),
    "promo.page.margin": "毛利率",
    "promo.page.margin.help": "（售价 − 成本）÷ 售价，店铺只有这一个毛利率：所有计算器共用；点「设为默认」后，「复购与流失」里的预计客户价值也按它计算。",
    "promo.page.period": "统计周期",
    "promo.page.last_days": "近 {days} 天",
    "promo.page.period.help": "客单价、建议门槛、满减和拼单用 {start} 至 {end} 的有效订单。",
    "promo.page.save_defaults": "设为默认",
    "promo.page.save_defaults.help": "把毛利率和统计周期存为本店的默认值。",
    "promo.page.saved_defaults": "已保存：毛利率 {margin:.0%}，统计周期 {days} 天。",
    "promo.page.bad_settings": "保存的促销设置无法使用，已改用默认值：{message}",
    "promo.page.suggested": "建议满减",
    "promo.page.suggested_value": "满{threshold:g}减{reduction:g}",
    "promo.page.typed_default": "所选周期内没有订单，这是默认值。",
    "promo.page.no_orders_period": (
        "所选周期（{start} 至 {end}）内没有有效订单，无法在店铺订单上模拟。"
        "换一个统计周期，或先导入订单。"
    ),
    "promo.page.pairs": "可以拼单的订单（显示前 {n} 对，下载包含全部）",
    "promo.page.no_pairs": "没有两单加起来能满 {threshold:g} 的订单。",
    "promo.tab.break_even": "降价保本",
    "promo.tab.threshold": "满减门槛",
    "promo.tab.pooling": "拼单",
    "promo.tab.deposit": "订金膨胀",
    "promo.tab.member_day": "会员日",
    "promo.tab.compare": "ROI vs 利润",
    "promo.tab.ads": "直通车 ROI",
    "promo.in.discount": "降价幅度",
    "promo.in.discount.help": "占原价的比例，例如 10% 即打九折。",
    "promo.in.threshold": "门槛 X（满多少元）",
    "promo.in.reduction": "减 Y（减多少元）",
    "promo.in.reach": "「差一点」的范围",
    "promo.in.reach.help": "订单金额在 X ×（1 − 范围）到 X 之间，算差一点就够。",
    "promo.in.deposit": "订金（元）",
    "promo.in.deduction": "抵扣（元）",
    "promo.in.price": "商品价格（元）",
    "promo.in.expected_orders": "预计付订金人数",
    "promo.in.conversion": "付尾款的比例",
    "promo.in.segment_customers": "参加的会员数",
    "promo.in.expected_response": "平时的下单比例",
    "promo.in.expected_response.help": "不打折时，这群会员在会员日里本来就会下单的比例。",
    "promo.in.aov": "客单价（元）",
    "promo.in.campaign": "活动 {name}",
    "promo.in.spend": "投入（元）",
    "promo.in.revenue": "带来成交（元）",
    "promo.in.ads_spend": "推广花费（元）",
    "promo.in.attributed_revenue": "推广带来成交（元）",
    "promo.in.with_cpc": "计算单次点击最高出价",
    "promo.in.conversion_rate": "点击转化率",
    "promo.m.aov": "客单价",
    "promo.m.orders": "有效订单",
    "promo.m.customers": "购买客户",
    "promo.m.volume_multiplier": "保本销量",
    "promo.m.extra_volume": "需多卖",
    "promo.m.new_unit_margin": "每件毛利（占原价）",
    "promo.m.new_margin_rate": "新售价的毛利率",
    "promo.m.above": "已满门槛",
    "promo.m.above.help": "这些订单不多买也能减，优惠等于白送。",
    "promo.m.near": "差一点",
    "promo.m.far": "差得远",
    "promo.m.discount_cost": "白送的优惠",
    "promo.m.given": "让利合计",
    "promo.m.extra_orders": "回本需多卖",
    "promo.m.extra_orders.help": "多出来的订单数；相当于订单数多 {uplift:.1%}。",
    "promo.m.below": "不满门槛",
    "promo.m.pairs": "可拼成（对）",
    "promo.m.pooled": "拼上的订单",
    "promo.m.unpaired": "拼不上",
    "promo.m.effective_discount": "实际降价",
    "promo.m.cost_per_order": "每单让利",
    "promo.m.net_cost": "净让利",
    "promo.m.net_cost.help": "让利减去未付尾款留下的订金。",
    "promo.m.expected_orders": "预计下单",
    "promo.m.break_even_response": "保本响应率",
    "promo.m.roi": "ROI 活动 {name}",
    "promo.m.profit": "利润 活动 {name}",
    "promo.m.crossover": "毛利率分界点",
    "promo.m.crossover.help": "两个活动赚得一样多的毛利率；高于它，成交多的活动赚得更多。",
    "promo.m.ads_roi": "ROI",
    "promo.m.break_even_roi": "保本 ROI",
    "promo.m.break_even_roi.help": "1 ÷ 毛利率：ROI 低于它，推广就亏钱。",
    "promo.m.ads_profit": "利润",
    "promo.m.max_cpc": "最高出价",
    "promo.chart.profit_vs_volume": "降价后的利润随销量变化",
    "promo.chart.volume_axis": "销量（原来的倍数）",
    "promo.chart.profit_axis": "利润（不降价 = 100%）",
    "promo.chart.after": "降价后的利润",
    "promo.chart.before": "不降价时的利润",
    "promo.chart.break_even_at": "保本 {multiplier:.2f} 倍",
    "promo.chart.histogram": "订单金额分布",
    "promo.chart.amount_axis": "订单金额（元）",
    "promo.chart.orders_axis": "订单数",
    "promo.chart.band.above": "已满门槛",
    "promo.chart.band.below": "不满门槛",
    "promo.chart.near_band": "差一点",
    "promo.chart.threshold_line": "满{threshold:g}",
    "promo.chart.roi_vs_profit": "ROI 与利润",
    "promo.chart.roi": "ROI（倍）",
    "promo.chart.profit": "利润（元）",
    "promo.table.break_even": "常见降价幅度要多卖多少",
    "promo.col.discount": "降价",
    "promo.col.volume_multiplier": "保本销量（倍）",
    "promo.col.extra_volume": "需多卖",
    "promo.col.new_margin_rate": "新售价毛利率",
    "promo.col.order_a": "订单 A",
    "promo.col.amount_a": "金额 A",
    "promo.col.order_b": "订单 B",
    "promo.col.amount_b": "金额 B",
    "promo.col.combined": "合计",
    "promo.sc.title": "保存的方案",
    "promo.sc.name": "方案名称",
    "promo.sc.save": "保存当前输入",
    "promo.sc.saved": "已保存方案「{name}」。",
    "promo.sc.pick": "已保存的方案",
    "promo.sc.load": "载入",
    "promo.sc.loaded": "已载入方案「{name}」。",
    "promo.sc.delete": "删除",
    "promo.sc.deleted": "已删除方案「{name}」。",
    "promo.sc.none": "还没有保存的方案。",
    "promo.sc.reset": "恢复默认值",
    "promo.sc.reset_done": "已恢复默认值。",
}

EN = {
    "promo.break_even": (
        "After a {discount:.0%} price cut the margin per unit falls from {margin:.0%} to "
        "{new_unit_margin:.0%} of the old price: you need {volume_multiplier:.2f}× the volume "
        "({extra_volume:.0%} more units) to earn the same as before."
    ),
    "promo.campaign": (
        "Spending {spend:,.0f} brought {revenue:,.0f} in sales, an ROI of {roi:.2f}; at a "
        "{margin:.0%} margin that is a profit of {profit:,.0f} after the spend."
    ),
    "promo.campaign.loss": (
        "Spending {spend:,.0f} brought {revenue:,.0f} in sales, an ROI of {roi:.2f}; at a "
        "{margin:.0%} margin that is a loss of {loss:,.0f} after the spend."
    ),
    "promo.compare.roi_misleads": (
        "Campaign {more} has the lower ROI ({roi_more:.2f} vs {roi_less:.2f}) but earns "
        "{difference:,.0f} more ({profit_more:,.0f} vs {profit_less:,.0f}): compare the money "
        "earned, not the multiple."
    ),
    "promo.compare.agree": (
        "Campaign {more} has the higher ROI ({roi_more:.2f} vs {roi_less:.2f}) and also earns "
        "{difference:,.0f} more ({profit_more:,.0f} vs {profit_less:,.0f})."
    ),
    "promo.compare.same_roi": (
        "Both campaigns have an ROI of {roi_more:.2f}; campaign {more} earns {difference:,.0f} "
        "more ({profit_more:,.0f} vs {profit_less:,.0f})."
    ),
    "promo.compare.tie": "Both campaigns earn the same ({profit:,.0f} each).",
    "promo.threshold": (
        "{reduction:g} off orders of {threshold:g} or more: of {orders:,} orders, {above:,} already "
        "reach {threshold:g} and get {discount_cost:,.0f} off for free; {near:,} are just below "
        "(short by {avg_topup:,.1f} on average); {far:,} are far below. You need {extra_orders:,} "
        "more orders at the threshold ({uplift:.1%} more orders) to break even."
    ),
    "promo.threshold.no_near": (
        "{reduction:g} off orders of {threshold:g} or more: of {orders:,} orders, {above:,} already "
        "reach {threshold:g} and get {discount_cost:,.0f} off for free; none are just below, "
        "{far:,} are far below. You need {extra_orders:,} more orders at the threshold "
        "({uplift:.1%} more orders) to break even."
    ),
    "promo.threshold.no_orders": (
        "There are no valid orders in this period to test {reduction:g} off {threshold:g} on."
    ),
    "promo.pooling": (
        "{below:,} orders are below {threshold:g}; pooled in pairs, at most {pairs:,} pairs "
        "({pooled:,} orders) reach it and {unpaired:,} orders are left over."
    ),
    "promo.deposit": (
        "Pay {deposit:g} to get {deduction:g} off: each buyer really saves {cost_per_order:g} "
        "(a {effective_discount:.0%} price cut); {converted:,.0f} expected sales cost "
        "{discount_cost:,.0f}, and unconverted deposits keep {forfeited:,.0f}. You need "
        "{break_even_orders} more orders to break even."
    ),
    "promo.member_day": (
        "Member day at {discount:.0%} off: of {customers:,} members about {expected_orders:,.0f} "
        "are expected to order, costing {discount_cost:,.0f}; you need {break_even_orders} "
        "more orders (response up from {expected_response:.1%} to {break_even_response:.1%}) "
        "to break even."
    ),
    "promo.member_day.unreachable": (
        "Member day at {discount:.0%} off: of {customers:,} members about {expected_orders:,.0f} "
        "are expected to order, costing {discount_cost:,.0f}; breaking even would need a "
        "{break_even_response:.0%} response, over 100%, so this discount cannot pay on this "
        "segment."
    ),
    "promo.ads.profit": (
        "Spending {spend:,.0f} brought {revenue:,.0f} in sales, an ROI of {roi:.2f}, at or above the "
        "break-even ROI of {break_even_roi:.2f} at a {margin:.0%} margin: a profit of "
        "{profit:,.0f}."
    ),
    "promo.ads.loss": (
        "Spending {spend:,.0f} brought {revenue:,.0f} in sales, an ROI of {roi:.2f}, below the "
        "break-even ROI of {break_even_roi:.2f} at a {margin:.0%} margin: a loss of "
        "{loss:,.0f}."
    ),
    "promo.ads.max_cpc": (
        "At a {conversion_rate:.1%} conversion rate and an average order of {aov:,.0f}, a "
        "click is worth at most {max_cpc:.2f}."
    ),
    "promo.suggest": (
        "Try {reduction:g} off orders of {threshold:g} first: above the average order "
        "({mean_amount:,.0f}) and above {quantile:.0%} of orders (up to {quantile_amount:,.0f})."
    ),
    "promo.suggest.no_orders": (
        "No orders in this period: from a default average order of {default_aov:,.0f}, try "
        "{reduction:g} off orders of {threshold:g}."
    ),
    # The promotion planner page (pages/promotions.py).
    "promo.page.title": "Promotion planner",
    "promo.page.intro": (
        "A promotion trades margin for volume: each calculator shows how much more you must "
        "sell to earn as much as without the promotion (not merely not lose money). Save "
        "inputs as scenarios to reload and compare them."
    ),
    "promo.page.empty": (
        "No orders yet: the calculators start from a default average order of {aov:,.0f}. "
        "Once orders are imported, the AOV, thresholds and pooling use the shop's own orders."
    ),
    "promo.page.margin": "Gross margin",
    "promo.page.margin.help": "(Price − cost) ÷ price: the shop's one gross margin, shared by every calculator; after 'Save as default' the expected customer value on Repurchase & churn uses it too.",
    "promo.page.period": "Period",
    "promo.page.last_days": "{days} days",
    "promo.page.period.help": (
        "AOV, the suggested threshold, the spend-X-save-Y offer (满减) and pooling use the "
        "valid orders from {start} to {end}."
    ),
    "promo.page.save_defaults": "Save as default",
    "promo.page.save_defaults.help": "Store the margin and the period as this shop's defaults.",
    "promo.page.saved_defaults": "Saved: margin {margin:.0%}, period {days} days.",
    "promo.page.bad_settings": "The stored promotion settings cannot be used, using the "
    "defaults: {message}",
    "promo.page.suggested": "Suggested threshold",
    "promo.page.suggested_value": "{reduction:g} off {threshold:g}",
    "promo.page.typed_default": "No orders in the period: this is a default.",
    "promo.page.no_orders_period": (
        "There are no valid orders from {start} to {end} to simulate on. Pick another "
        "period, or import orders first."
    ),
    "promo.page.pairs": "Orders that could pool (first {n} pairs shown; the download has all)",
    "promo.page.no_pairs": "No two orders add up to {threshold:g}.",
    "promo.tab.break_even": "Price-cut break-even",
    "promo.tab.threshold": "Spend X, save Y (满减)",
    "promo.tab.pooling": "Order pooling",
    "promo.tab.deposit": "Deposit upgrade",
    "promo.tab.member_day": "Member day",
    "promo.tab.compare": "ROI vs profit",
    "promo.tab.ads": "Paid search ROI (直通车)",
    "promo.in.discount": "Price cut",
    "promo.in.discount.help": "As a share of the original price: 10% is 10% off.",
    "promo.in.threshold": "Threshold X (spend at least)",
    "promo.in.reduction": "Reduction Y (money off)",
    "promo.in.reach": "Within reach",
    "promo.in.reach.help": "Orders from X × (1 − this) up to X count as just below X.",
    "promo.in.deposit": "Deposit",
    "promo.in.deduction": "Worth off the price",
    "promo.in.price": "Price",
    "promo.in.expected_orders": "Expected deposits",
    "promo.in.conversion": "Share who pay the balance",
    "promo.in.segment_customers": "Members offered",
    "promo.in.expected_response": "Usual response",
    "promo.in.expected_response.help": (
        "Share of these members who would order on the day without a discount."
    ),
    "promo.in.aov": "AOV",
    "promo.in.campaign": "Campaign {name}",
    "promo.in.spend": "Spend",
    "promo.in.revenue": "Revenue brought",
    "promo.in.ads_spend": "Ad spend",
    "promo.in.attributed_revenue": "Attributed revenue",
    "promo.in.with_cpc": "Work out the top bid per click",
    "promo.in.conversion_rate": "Click conversion rate",
    "promo.m.aov": "AOV",
    "promo.m.orders": "Valid orders",
    "promo.m.customers": "Buyers",
    "promo.m.volume_multiplier": "Break-even volume",
    "promo.m.extra_volume": "Extra volume",
    "promo.m.new_unit_margin": "Unit margin (of old price)",
    "promo.m.new_margin_rate": "Margin on the new price",
    "promo.m.above": "Already at X",
    "promo.m.above.help": "These orders get the reduction without buying more: a giveaway.",
    "promo.m.near": "Just below",
    "promo.m.far": "Far below",
    "promo.m.discount_cost": "Given away",
    "promo.m.given": "Discount given",
    "promo.m.extra_orders": "Extra orders to break even",
    "promo.m.extra_orders.help": "Orders needed on top; {uplift:.1%} more orders.",
    "promo.m.below": "Below X",
    "promo.m.pairs": "Pairs",
    "promo.m.pooled": "Pooled orders",
    "promo.m.unpaired": "Left over",
    "promo.m.effective_discount": "Effective price cut",
    "promo.m.cost_per_order": "Given per order",
    "promo.m.net_cost": "Net cost",
    "promo.m.net_cost.help": "The discount given less the deposits kept from non-buyers.",
    "promo.m.expected_orders": "Expected orders",
    "promo.m.break_even_response": "Break-even response",
    "promo.m.roi": "ROI campaign {name}",
    "promo.m.profit": "Profit campaign {name}",
    "promo.m.crossover": "Crossover margin",
    "promo.m.crossover.help": (
        "The margin at which both campaigns earn the same; above it the one with more "
        "revenue earns more."
    ),
    "promo.m.ads_roi": "ROI",
    "promo.m.break_even_roi": "Break-even ROI",
    "promo.m.break_even_roi.help": "1 ÷ margin: below it the ads lose money.",
    "promo.m.ads_profit": "Profit",
    "promo.m.max_cpc": "Top bid per click",
    "promo.chart.profit_vs_volume": "Profit after the cut as volume grows",
    "promo.chart.volume_axis": "Volume (× before)",
    "promo.chart.profit_axis": "Profit (before the cut = 100%)",
    "promo.chart.after": "Profit after the cut",
    "promo.chart.before": "Profit before the cut",
    "promo.chart.break_even_at": "Break-even at {multiplier:.2f}×",
    "promo.chart.histogram": "Order values",
    "promo.chart.amount_axis": "Order value",
    "promo.chart.orders_axis": "Orders",
    "promo.chart.band.above": "At or above X",
    "promo.chart.band.below": "Below X",
    "promo.chart.near_band": "Within reach",
    "promo.chart.threshold_line": "X = {threshold:g}",
    "promo.chart.roi_vs_profit": "ROI and profit",
    "promo.chart.roi": "ROI (×)",
    "promo.chart.profit": "Profit",
    "promo.table.break_even": "Extra volume needed by common price cuts",
    "promo.col.discount": "Price cut",
    "promo.col.volume_multiplier": "Break-even volume (×)",
    "promo.col.extra_volume": "Extra volume",
    "promo.col.new_margin_rate": "Margin on new price",
    "promo.col.order_a": "Order A",
    "promo.col.amount_a": "Amount A",
    "promo.col.order_b": "Order B",
    "promo.col.amount_b": "Amount B",
    "promo.col.combined": "Combined",
    "promo.sc.title": "Saved scenarios",
    "promo.sc.name": "Scenario name",
    "promo.sc.save": "Save these inputs",
    "promo.sc.saved": "Saved scenario '{name}'.",
    "promo.sc.pick": "Saved scenarios",
    "promo.sc.load": "Load",
    "promo.sc.loaded": "Loaded scenario '{name}'.",
    "promo.sc.delete": "Delete",
    "promo.sc.deleted": "Deleted scenario '{name}'.",
    "promo.sc.none": "No saved scenarios yet.",
    "promo.sc.reset": "Reset to defaults",
    "promo.sc.reset_done": "Inputs reset to the defaults.",
}
