"""Sentences for the promotion maths (``analytics.promotions``): one per result and outcome.

Values are raw numbers from each result's ``summary_values``; the formats live here.
"""

ZH = {
    "promo.break_even": (
        "降价 {discount:.0%} 后,每件的毛利从原价的 {margin:.0%} 降到 {new_unit_margin:.0%},"
        "销量要做到原来的 {volume_multiplier:.2f} 倍(多卖 {extra_volume:.0%}),"
        "才能和不降价时赚得一样多。"
    ),
    "promo.campaign": (
        "投入 {spend:,.0f} 元带来 {revenue:,.0f} 元成交,投入产出比(ROI){roi:.2f};"
        "按毛利率 {margin:.0%} 算,扣除投入后净赚 {profit:,.0f} 元。"
    ),
    "promo.campaign.loss": (
        "投入 {spend:,.0f} 元带来 {revenue:,.0f} 元成交,投入产出比(ROI){roi:.2f};"
        "按毛利率 {margin:.0%} 算,扣除投入后亏 {loss:,.0f} 元。"
    ),
    "promo.compare.roi_misleads": (
        "活动 {more} 的 ROI 更低({roi_more:.2f} 对 {roi_less:.2f}),却多赚 {difference:,.0f} 元"
        "({profit_more:,.0f} 对 {profit_less:,.0f}):要比赚到手的钱,不只比倍数。"
    ),
    "promo.compare.agree": (
        "活动 {more} 的 ROI 更高({roi_more:.2f} 对 {roi_less:.2f}),也多赚 {difference:,.0f} 元"
        "({profit_more:,.0f} 对 {profit_less:,.0f})。"
    ),
    "promo.compare.same_roi": (
        "两个活动 ROI 相同({roi_more:.2f}),活动 {more} 多赚 {difference:,.0f} 元"
        "({profit_more:,.0f} 对 {profit_less:,.0f})。"
    ),
    "promo.compare.tie": "两个活动赚得一样多(各 {profit:,.0f} 元)。",
    "promo.threshold": (
        "满{threshold:g}减{reduction:g}:{orders} 单里有 {above} 单本来就满 {threshold:g},"
        "白送出 {discount_cost:,.0f} 元;{near} 单差一点就够(平均还差 {avg_topup:,.1f} 元);"
        "{far} 单差得远。要再多 {extra_orders} 单满额订单(订单数多 {uplift:.1%})才能回本。"
    ),
    "promo.threshold.no_near": (
        "满{threshold:g}减{reduction:g}:{orders} 单里有 {above} 单本来就满 {threshold:g},"
        "白送出 {discount_cost:,.0f} 元;没有差一点就够的订单,{far} 单差得远。"
        "要再多 {extra_orders} 单满额订单(订单数多 {uplift:.1%})才能回本。"
    ),
    "promo.threshold.no_orders": "所选时间内没有有效订单,无法估算满{threshold:g}减{reduction:g}。",
    "promo.pooling": (
        "{below} 单不满 {threshold:g},两两拼单最多能拼成 {pairs} 对({pooled} 单),"
        "还剩 {unpaired} 单拼不上。"
    ),
    "promo.deposit": (
        "付 {deposit:g} 抵 {deduction:g}:每单实际让利 {cost_per_order:g} 元"
        "(相当于降价 {effective_discount:.0%});预计 {converted:,.0f} 单成交,共让利 "
        "{discount_cost:,.0f} 元,未付尾款留下的订金 {forfeited:,.0f} 元;"
        "要再多卖 {break_even_orders} 单才回本。"
    ),
    "promo.member_day": (
        "会员日降价 {discount:.0%}:{customers} 位会员里预计 {expected_orders:,.0f} 人下单,"
        "让利 {discount_cost:,.0f} 元;要多来 {break_even_orders} 单"
        "(响应率从 {expected_response:.1%} 提高到 {break_even_response:.1%})才回本。"
    ),
    "promo.member_day.unreachable": (
        "会员日降价 {discount:.0%}:{customers} 位会员里预计 {expected_orders:,.0f} 人下单,"
        "让利 {discount_cost:,.0f} 元;回本需要 {break_even_response:.0%} 的响应率,超过 100%,"
        "这个力度在这群会员身上回不了本。"
    ),
    "promo.ads.profit": (
        "花 {spend:,.0f} 元带来 {revenue:,.0f} 元成交,ROI {roi:.2f},"
        "不低于毛利率 {margin:.0%} 时的保本 ROI {break_even_roi:.2f}:赚 {profit:,.0f} 元。"
    ),
    "promo.ads.loss": (
        "花 {spend:,.0f} 元带来 {revenue:,.0f} 元成交,ROI {roi:.2f},"
        "低于毛利率 {margin:.0%} 时的保本 ROI {break_even_roi:.2f}:亏 {loss:,.0f} 元。"
    ),
    "promo.ads.max_cpc": (
        "按转化率 {conversion_rate:.1%}、客单价 {aov:,.0f} 元,单次点击最多出 {max_cpc:.2f} 元才不亏。"
    ),
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
        "{reduction:g} off orders of {threshold:g} or more: of {orders} orders, {above} already "
        "reach {threshold:g} and get {discount_cost:,.0f} off for free; {near} are just below "
        "(short by {avg_topup:,.1f} on average); {far} are far below. You need {extra_orders} "
        "more orders at the threshold ({uplift:.1%} more orders) to break even."
    ),
    "promo.threshold.no_near": (
        "{reduction:g} off orders of {threshold:g} or more: of {orders} orders, {above} already "
        "reach {threshold:g} and get {discount_cost:,.0f} off for free; none are just below, "
        "{far} are far below. You need {extra_orders} more orders at the threshold "
        "({uplift:.1%} more orders) to break even."
    ),
    "promo.threshold.no_orders": (
        "There are no valid orders in this period to test {reduction:g} off {threshold:g} on."
    ),
    "promo.pooling": (
        "{below} orders are below {threshold:g}; pooled in pairs, at most {pairs} pairs "
        "({pooled} orders) reach it and {unpaired} orders are left over."
    ),
    "promo.deposit": (
        "Pay {deposit:g} to get {deduction:g} off: each buyer really saves {cost_per_order:g} "
        "(a {effective_discount:.0%} price cut); {converted:,.0f} expected sales cost "
        "{discount_cost:,.0f}, and unconverted deposits keep {forfeited:,.0f}. You need "
        "{break_even_orders} more orders to break even."
    ),
    "promo.member_day": (
        "Member day at {discount:.0%} off: of {customers} members about {expected_orders:,.0f} "
        "are expected to order, costing {discount_cost:,.0f}; you need {break_even_orders} "
        "more orders (response up from {expected_response:.1%} to {break_even_response:.1%}) "
        "to break even."
    ),
    "promo.member_day.unreachable": (
        "Member day at {discount:.0%} off: of {customers} members about {expected_orders:,.0f} "
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
}
