"""Catalog: the per-customer scores (rebuild progress, on-the-fly notes, boundary fits)."""

ZH = {
    "scores.progress": "正在更新客户评分：{step}",
    "scores.step.stages": "生命周期阶段",
    "scores.step.rfm": "RFM 评分",
    "scores.step.tiers": "会员等级",
    "scores.step.ages": "年龄段",
    "scores.step.models": "购买模型（BG/NBD、Gamma-Gamma）",
    "scores.step.churn": "流失预警",
    "scores.step.write": "保存",
    "scores.step.views": "预先计算页面图表",
    "scores.step.done": "完成",
    "scores.computing": "预先算好的客户评分是按最新订单日 {scored}、全部店铺算的；当前选择（{as_of}，{shop}）正在现场计算，可能需要一会儿。",
    "scores.all_shops": "全部店铺",
    "scores.limit.rate": "购买节奏很均匀，模型退化为泊松过程：每位客户的购买频率几乎相同（平均约每 {days:.0f} 天一次），预测只看各自买了几次、多久没来。",
    "scores.limit.dropout": "客户流失的概率几乎人人相同（每次购买后约 {share:.1%}），模型退化为固定的流失率，不再区分谁更容易流失。",
}

EN = {
    "scores.progress": "Updating customer scores: {step}",
    "scores.step.stages": "lifecycle stages",
    "scores.step.rfm": "RFM scores",
    "scores.step.tiers": "member tiers",
    "scores.step.ages": "age bands",
    "scores.step.models": "purchase models (BG/NBD, Gamma-Gamma)",
    "scores.step.churn": "churn warning",
    "scores.step.write": "saving",
    "scores.step.views": "precomputing the pages' charts",
    "scores.step.done": "done",
    "scores.computing": "The stored customer scores are as of the newest order day {scored}, all shops; your choice ({as_of}, {shop}) is being computed now, which can take a while.",
    "scores.all_shops": "all shops",
    "scores.limit.rate": "Purchases come at a very even pace, so the model reduces to a Poisson process: every customer buys at almost the same rate (about once every {days:.0f} days), and predictions depend only on how often each bought and how long ago.",
    "scores.limit.dropout": "Every customer is almost equally likely to leave (about {share:.1%} after each purchase), so the model reduces to one fixed dropout rate and no longer tells who is more likely to leave.",
}
