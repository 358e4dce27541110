"""Sentences about sharing the database: waiting for another writer, an import running
elsewhere, a killed import in the history, backups."""

ZH = {
    "store.waiting": "正在等待数据库：另一个导入或设置修改正在写入（已等 {seconds} 秒）…",
    "store.busy": "数据库 {path} 正被另一个老客进程写入（导入、撤销或设置修改），等待超时。"
    "请在它完成后再试一次；什么也没有改动。",
    "store.importing": "导入中…（{file}，{started} 开始）。页面显示的是上一次提交的数据，"
    "导入完成后刷新即可看到新订单。",
    "import.history.outcome.interrupted": "已中断",
}

EN = {
    "store.waiting": "Waiting for the database: another import or settings change is writing "
    "it ({seconds} s so far)…",
    "store.busy": "The database {path} is being written by another LaoKe process (an import, "
    "undo or settings change) and the wait ran out. Try again when it has finished; nothing "
    "was changed.",
    "store.importing": "Importing… ({file}, started {started}). The pages show the data as last "
    "committed; refresh after the import to see the new orders.",
    "import.history.outcome.interrupted": "Interrupted",
}
